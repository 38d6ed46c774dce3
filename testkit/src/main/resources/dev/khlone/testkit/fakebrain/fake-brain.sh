#!/usr/bin/env bash
# A scripted brain for fast tests of the daemon: it speaks a tiny JSON-lines dialect and does what
# its prompts say. Prompts arrive base64-encoded, one per line (persistent) or as all of stdin
# (--per-task). Every turn is appended to $FAKE_BRAIN_HOME/<series>.log, so a resumed series
# knows its history.
#
#   fake-brain.sh [--per-task] [--series ID] [--mode ask|act]     dispatch
#   fake-brain.sh --tui [--series ID]                             a line-based "TUI" for a PTY;
#                                                                 its prompt shows the terminal size
#
# Prompt commands: "sleep S <text>" (slow turn), "crash" (exit 3 mid-turn), "crash-once <file>"
# (crashes unless <file> exists, which it creates), "fail <msg>" (an error event), "error <msg>"
# (a turn that ends with is_error), "orphan" (leaves a setsid'd child), "escape S T <file>" (a
# tool child that leaves the brain's session and process group, notes its pid in <file>.started
# and appends a line to <file> after S seconds; the turn takes T), "detach S <file>" (a tool
# child that leaves the brain, writes its parent's pid to <file> after S seconds and ends), "write <file>" (writes a file, refused in ask mode),
# "big N" (N bytes of text), "flood N" (about N bytes of output in 1 KB text events), "env NAME"
# (whether it is set, and its length); anything else is echoed. A prompt that begins with khlone's
# note about an interrupted attempt ("(khlone: ...)" and a blank line) is run without it; the note
# goes to <series>.notes.
set -u
home=${FAKE_BRAIN_HOME:?FAKE_BRAIN_HOME must name a directory}
per_task=0 tui=0 series="" mode=act
while [ $# -gt 0 ]; do
  case "$1" in
    --per-task) per_task=1 ;;
    --tui) tui=1 ;;
    --series) series=$2; shift ;;
    --mode) mode=$2; shift ;;
  esac
  shift
done
[ -n "$series" ] || series="fake-$$-$RANDOM"
history="$home/$series.log"
echo "$$" >> "$home/pids"

json_string() { # escapes for a JSON string body
  local s=$1
  s=${s//\\/\\\\}; s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\r'/\\r}; s=${s//$'\t'/\\t}
  printf '%s' "$s"
}

turns() { [ -f "$history" ] && wc -l < "$history" || echo 0; }

turn() { # one prompt in, events out
  local prompt=$1 result
  if [ "${prompt#"(khlone: "}" != "$prompt" ]; then
    local note=${prompt%%$'\n\n'*}
    prompt=${prompt#*$'\n\n'}
    printf '%s <- %s\n' "$prompt" "$note" >> "$home/$series.notes"
  fi
  printf '%s\n' "$(printf '%s' "$prompt" | head -c 200 | tr '\n' ' ')" >> "$history"
  local n; n=$(turns)
  case "$prompt" in
    "sleep "*)
      local rest=${prompt#sleep }; local secs=${rest%% *}
      echo '{"type":"text","text":"sleeping '"$secs"'"}'
      sleep "$secs"
      result="slept $secs: ${rest#* }" ;;
    crash)
      echo '{"type":"text","text":"about to crash"}'
      exit 3 ;;
    "fail "*)
      echo '{"type":"error","message":"'"$(json_string "${prompt#fail }")"'"}'
      return ;;
    "error "*)
      echo '{"type":"done","result":"'"$(json_string "${prompt#error }")"'","error":true,"input":5,"output":0,"cost":0}'
      return ;;
    "crash-once "*)
      local marker=${prompt#crash-once }
      if [ ! -e "$marker" ]; then
        : > "$marker"
        echo '{"type":"text","text":"about to crash, once"}'
        exit 3
      fi
      result="survived: $marker" ;;
    "escape "*)
      local args=${prompt#escape }; local after=${args%% *}; args=${args#* }; local secs=${args%% *}
      local file=${args#* }
      ( setsid sh -c 'echo $$ >> "$2.started"; sleep "$1"; echo "a line from pid $$" >> "$2"' escapee "$after" "$file" \
          </dev/null >/dev/null 2>&1 & )
      echo '{"type":"tool","name":"bash","input":"'"$(json_string "echo >> $file in $after s")"'"}'
      sleep "$secs"
      result="escaped: $file" ;;
    "detach "*)
      local args=${prompt#detach }; local after=${args%% *}; local file=${args#* }
      ( setsid sh -c 'sleep "$1"; cut -d" " -f4 /proc/$$/stat > "$2"' detached "$after" "$file" </dev/null >/dev/null 2>&1 & )
      result="detached: $file" ;;
    orphan)
      setsid sleep 1000 </dev/null >/dev/null 2>&1 &
      result="orphan $!" ;;
    "write "*)
      local file=${prompt#write }
      if [ "$mode" = ask ]; then
        echo '{"type":"tool","name":"write","input":"'"$(json_string "$file")"'","denied":true}'
        result="not allowed to write $file"
      else
        echo "written by the fake brain" > "$file"
        echo '{"type":"tool","name":"write","input":"'"$(json_string "$file")"'"}'
        result="wrote $file"
      fi ;;
    "env "*)
      local name=${prompt#env }; local value=${!name:-}
      if [ -n "$value" ]; then result="$name is set (${#value} chars)"; else result="$name is unset"; fi ;;
    "big "*)
      result=$(head -c "${prompt#big }" /dev/zero | tr '\0' 'x') ;;
    "flood "*)
      # N bytes of output as text events of about 1 KB each: a brain that writes a lot, fast.
      local line; line=$(head -c 1000 /dev/zero | tr '\0' 'y')
      local events=$(( ${prompt#flood } / 1024 ))
      yes '{"type":"text","text":"'"$line"'"}' | head -n "$events"
      result="flooded $events events" ;;
    *)
      result="echo: $prompt" ;;
  esac
  echo '{"type":"text","text":"'"$(json_string "$result")"'"}'
  echo '{"type":"done","result":"'"$(json_string "$result")"'","turn":'"$n"',"series":"'"$series"'","input":'"${#prompt}"',"output":'"${#result}"',"cost":0.0015}'
}

if [ "$tui" = 1 ]; then
  echo "fake tui, series $series, $(turns) earlier turns"
  printf '\033[?25h'   # its cursor shown: it takes keys now, as a real TUI says by showing it
  while true; do
    printf '[%s] > ' "$(stty size </dev/tty)"   # rows cols, as the terminal says now
    IFS= read -r line || exit 0
    line=${line%$'\r'}
    [ "$line" = /exit ] && { echo bye; exit 0; }
    printf '%s\n' "$line" >> "$history"
    echo "tui echo: $line"
  done
fi

echo '{"type":"session","id":"'"$series"'","mode":"'"$mode"'"}'
if [ "$per_task" = 1 ]; then
  turn "$(base64 -d)"
  exit 0
fi
while IFS= read -r line; do
  turn "$(printf '%s' "$line" | base64 -d)"
done
