"""A local stand-in for Slack's Web API: a real HTTP server that holds a small workspace.

The app's own ``slack_sdk.WebClient`` talks to it through ``base_url``, so the test suite and the
terminal console exercise the same HTTP, JSON, retry and error paths as production. It answers the
way Slack does (HTTP 200 with ``ok`` true/false, Slack's field names and error codes), validates every
Block Kit payload it receives and records every request.

The package, one module per concern:

- ``facade``: ``SlackStandIn``, the object tests, the driver and the console hold;
- ``state``: the records (``User``, ``Channel``, ``Message``, ``Ephemeral``, ``OpenView``, ...) and
  ``State``, which every Web API family reads and changes; ``shapes``: their JSON as Slack shows it;
- ``server``: HTTP, request parsing, call records, fault injection; ``validation``: Block Kit limits;
- the Web API by family: ``auth`` (api/auth/team), ``users``, ``conversations``, ``chat``,
  ``reactions``, ``views``, ``response_url``.

State changes that a person makes in the Slack client (typing a message, reacting) are methods
named ``user_*``; the caller then sends the matching event to the app (see ``localslack.driver``).
"""

from localslack.standin.conversations import MAX_MPIM_USERS
from localslack.standin.facade import METHODS, SlackStandIn
from localslack.standin.response_url import RESPONSE_URL_TTL, RESPONSE_URL_USES
from localslack.standin.shapes import rich_text, rich_text_id
from localslack.standin.state import (
    DEFAULT_LOCALE,
    JSON,
    Call,
    Channel,
    Ephemeral,
    InvalidPayload,
    Message,
    OpenView,
    SlackError,
    User,
)
from localslack.standin.validation import (
    BLOCK_ID_MAX,
    HEADER_TEXT_MAX,
    INTERACTIVE_TYPES,
    MESSAGE_MAX_BLOCKS,
    MESSAGE_TEXT_MAX,
    MODAL_TITLE_MAX,
    SECTION_FIELD_MAX,
    SECTION_TEXT_MAX,
    VIEW_MAX_BLOCKS,
    VIEW_MAX_BYTES,
    Surface,
    interactive_elements,
    validate_blocks,
    validate_view,
)
from localslack.standin.views import TRIGGER_TTL, VIEW_STACK_MAX

__all__ = [
    "BLOCK_ID_MAX",
    "DEFAULT_LOCALE",
    "HEADER_TEXT_MAX",
    "INTERACTIVE_TYPES",
    "JSON",
    "MAX_MPIM_USERS",
    "MESSAGE_MAX_BLOCKS",
    "MESSAGE_TEXT_MAX",
    "METHODS",
    "MODAL_TITLE_MAX",
    "RESPONSE_URL_TTL",
    "RESPONSE_URL_USES",
    "SECTION_FIELD_MAX",
    "SECTION_TEXT_MAX",
    "TRIGGER_TTL",
    "VIEW_MAX_BLOCKS",
    "VIEW_MAX_BYTES",
    "VIEW_STACK_MAX",
    "Call",
    "Channel",
    "Ephemeral",
    "InvalidPayload",
    "Message",
    "OpenView",
    "SlackError",
    "SlackStandIn",
    "Surface",
    "User",
    "interactive_elements",
    "rich_text",
    "rich_text_id",
    "validate_blocks",
    "validate_view",
]
