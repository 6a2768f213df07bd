"""Insights: what a workspace and a channel did over the last weeks, and the leaders' monthly report.

- `figures.build(session, …)` → `data.Figures`: per-period figures of one channel or the workspace
  (lessons, contributors, participation, marks, answers per weekly question, mentoring), counted by the
  visibility rule; `figures.contribution(session, …)` → `data.Contribution` ("your contribution").
- `flows.workspace_figures(deps, team)` / `flows.channel_figures(…)` / `flows.contribution_of(deps,
  team, user)`: the same with what only Slack knows (members, public channels) filled in — what App
  Home shows, through `views.workspace_summary(tr, figures)` and `views.contribution_summary(tr, c)`.
- `/erfaring stats [weeks]` (views.stats_message), `/erfaring leaders add|remove|list` (leaders.py),
  the monthly report (report.py builds it, chart.py draws it, views.report_message words it, flows
  sends it through the outbox, jobs.py decides when). docs/insights.md explains the figures.
"""
