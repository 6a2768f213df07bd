"""Mentoring: mentor profiles, requests matched to mentors, offers with a 48-hour answer window,
mentorships with follow-ups. State machines over the database; flow.py is the part that talks to
Slack, jobs.py the periodic work that timeouts and follow-ups hang on."""
