"""Every model module, imported so that Base.metadata knows every table (migrations, tests)."""

from storage import models
from storage.models import Base

__all__ = ["Base", "models"]
