"""Every model module, imported so that Base.metadata knows every table (migrations, tests)."""

from storage import models, rhythm_models
from storage.models import Base

__all__ = ["Base", "models", "rhythm_models"]
