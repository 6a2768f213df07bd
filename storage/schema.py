"""Every model module, imported so that Base.metadata knows every table (migrations, tests)."""

from storage.base import Base
from storage.core import models as core_models
from storage.home import models as home_models
from storage.insights import models as insights_models
from storage.lessons import models as lesson_models
from storage.mentoring import models as mentoring_models
from storage.rhythm import models as rhythm_models

__all__ = [
    "Base",
    "core_models",
    "home_models",
    "insights_models",
    "lesson_models",
    "mentoring_models",
    "rhythm_models",
]
