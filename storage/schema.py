"""Every model module, imported so that Base.metadata knows every table (migrations, tests)."""

from storage import console_models, mentoring_models, models, prompt_reply_models, rhythm_models
from storage.models import Base

__all__ = ["Base", "console_models", "mentoring_models", "models", "prompt_reply_models", "rhythm_models"]
