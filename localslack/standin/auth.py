"""api.test, auth.test and team.info: who the app's token speaks for."""

from __future__ import annotations

from localslack.standin.state import JSON, State


def api_test(state: State, args: JSON) -> JSON:
    return {"args": args}


def auth_test(state: State, args: JSON) -> JSON:
    return {
        "url": f"https://{state.team_domain}.slack.com/",
        "team": state.team_name,
        "user": state.users[state.bot_user_id].name,
        "team_id": state.team_id,
        "user_id": state.bot_user_id,
        "bot_id": state.bot_id,
        "is_enterprise_install": False,
    }


def team_info(state: State, args: JSON) -> JSON:
    return {
        "team": {
            "id": state.team_id,
            "name": state.team_name,
            "domain": state.team_domain,
            "email_domain": "",
            "icon": {"image_default": True},
        }
    }


METHODS = {
    "api.test": api_test,
    "auth.test": auth_test,
    "team.info": team_info,
}
