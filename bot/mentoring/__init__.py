"""Mentoring: mentor profiles, requests matched to mentors, offers with a 48-hour answer window,
mentorships with follow-ups. State machines over the database (storage/mentoring/queries.py).

- ids.py: action, block and callback ids, statuses and shared limits;
- commands.py: what `/mentor ...` asks for;
- profiles.py, requests.py, matching.py, followups.py, overview.py: the rules, without Slack;
  timing.py: working hours in each person's own time zone;
- views.py (forms and DMs) and notices.py (answers, lists, short DMs): Block Kit from plain data;
- flows.py: every step that talks to Slack; jobs.py: the periodic work timeouts and follow-ups
  hang on; digest_section.py: mentoring's lines in the weekly digest.
"""
