package dev.khlone.dist.storm;

/** One storm: it raises a zone, does its worst to it, and counts what became of the accepted work. */
sealed interface Storm permits BrainKillStorm, DaemonKillStorm, MalformedFrameStorm, ConcurrentSubmitStorm,
        TornJournalStorm, FullDiskStorm, ForeignSocketStorm {
    String name();

    Counts run(Size size) throws Exception;
}
