package dev.khlone.protocol.wire;

/** Client to daemon. Every request carries an {@code id} that its replies name in {@code re}. */
public sealed interface Request extends Message permits Hello, StatusRequest, StopRequest, SubmitRequest, AwaitRequest,
        TaskQuery, CancelRequest, KillRequest, RebootRequest, WatchRequest, TalkRequest, InputRequest, ResizeRequest,
        DetachRequest {
    String id();

    <R> R accept(Visitor<R> visitor);

    /** One method per request: a new request type does not compile until every handler handles it. */
    interface Visitor<R> {
        R hello(Hello hello);

        R status(StatusRequest status);

        R stop(StopRequest stop);

        R submit(SubmitRequest submit);

        R await(AwaitRequest await);

        R task(TaskQuery task);

        R cancel(CancelRequest cancel);

        R kill(KillRequest kill);

        R reboot(RebootRequest reboot);

        R watch(WatchRequest watch);

        R talk(TalkRequest talk);

        R input(InputRequest input);

        R resize(ResizeRequest resize);

        R detach(DetachRequest detach);
    }
}
