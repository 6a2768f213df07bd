"""Privacy: the workspace's export, a person's own data (`/erfaring my-data`) and erasure
(`/erfaring forget-me`, `python app.py erase`). docs/privacy.md says what is stored and where."""
