"""Bolt's listener runner, answering Slack the moment a listener acks.

Bolt runs a listener on its executor and has the request thread look for the ack every 10 ms
(`ThreadListenerRunner.run`: `while ack.response is None: time.sleep(0.01)`). Every answer then
waits for the next look: an ack given after 11 ms goes out at 20 ms, and a bare Bolt app's own p50
is 12 ms for an ack it gives in under 1 ms (bench/results/ack.json). Here the ack sets an event the
request thread waits on, so the answer leaves as soon as the listener acks, or when it ends without
acking, or at the listener's ack timeout, whichever is first. What follows the ack goes on on the
executor exactly as in Bolt. Until it acks, a listener's lookups share one budget for waiting on
Slack (bot.core.slack.before_ack): the person's locale and where a lesson was shared never wait
twice.

Everything else is Bolt's: the start, completion and error handlers, the error semantics (a listener
that raises before its ack answers 500 through the error handler; one that raises after it keeps
its ack), lazy listeners and `process_before_response` (handed to Bolt's own runner unchanged).
"""

from __future__ import annotations

import threading
import time
from typing import Any

from slack_bolt import App
from slack_bolt.context.ack import Ack
from slack_bolt.listener import Listener
from slack_bolt.listener.thread_runner import ThreadListenerRunner
from slack_bolt.logger.messages import warning_did_not_call_ack
from slack_bolt.request import BoltRequest
from slack_bolt.response import BoltResponse

from bot.core import slack


class SignallingAck(Ack):
    """Bolt's ack, which also sets `given` when it is called."""

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self.given = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            slack.acked()
            self.given.set()


class SignallingRunner(ThreadListenerRunner):
    """ThreadListenerRunner whose request thread waits on the ack instead of polling for it."""

    @classmethod
    def replacing(cls, runner: ThreadListenerRunner) -> SignallingRunner:
        return cls(
            logger=runner.logger,
            process_before_response=runner.process_before_response,
            listener_error_handler=runner.listener_error_handler,
            listener_start_handler=runner.listener_start_handler,
            listener_completion_handler=runner.listener_completion_handler,
            listener_executor=runner.listener_executor,
            lazy_listener_runner=runner.lazy_listener_runner,
        )

    def run(
        self,
        request: BoltRequest,
        response: BoltResponse,
        listener_name: str,
        listener: Listener,
        starting_time: float | None = None,
    ) -> BoltResponse | None:
        if self.process_before_response or request.lazy_only or listener.lazy_functions:
            return super().run(request, response, listener_name, listener, starting_time)
        started = starting_time if starting_time is not None else time.time()
        ack = _signalling_ack(request)
        if listener.auto_acknowledgement:
            ack()  # events: acknowledged at once, as Bolt does
        outcome: list[BoltResponse | None] = [response]
        self.listener_executor.submit(self._listen, request, listener, ack, outcome)
        ack.given.wait(timeout=max(0.0, listener.ack_timeout - (time.time() - started)))
        answer = outcome[0]
        if answer is None and ack.response is None:
            self.logger.warning(warning_did_not_call_ack(listener_name))
            return None
        return answer if answer is not None else ack.response

    def _listen(
        self, request: BoltRequest, listener: Listener, ack: SignallingAck, outcome: list[BoltResponse | None]
    ) -> None:
        response = outcome[0]
        try:
            self.listener_start_handler.handle(request=request, response=response)
            with slack.before_ack():
                listener.run_ack_function(request=request, response=response)  # type: ignore[arg-type]
        except Exception as error:  # Bolt's semantics: handled and answered, never raised here
            if listener.auto_acknowledgement:
                self.listener_error_handler.handle(error=error, request=request, response=response)
            else:
                if response is None:
                    response = BoltResponse(status=500)
                response.status = 500
                if ack.response is not None:  # acknowledged already: the ack stands
                    response = None
                self.listener_error_handler.handle(error=error, request=request, response=response)
                if ack.response is None:
                    ack.response = response
                    outcome[0] = response
        finally:
            self.listener_completion_handler.handle(request=request, response=response)
            ack.given.set()  # ended without an ack: the request thread stops waiting


def _signalling_ack(request: BoltRequest) -> SignallingAck:
    """The request's ack as a SignallingAck (keeping a response a middleware already gave)."""
    current = request.context.get("ack")
    if isinstance(current, SignallingAck):
        return current
    ack = SignallingAck()
    if isinstance(current, Ack):
        ack.response = current.response
    request.context["ack"] = ack
    return ack


def install(app: App) -> None:
    """Use the signalling runner for `app`'s listeners (Bolt keeps it in a private attribute)."""
    app._listener_runner = SignallingRunner.replacing(app.listener_runner)
