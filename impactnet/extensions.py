"""Flask extensions: created here, initialised in :func:`impactnet.create_app`."""

from typing import TYPE_CHECKING

from flask_babel import Babel
from flask_caching import Cache
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Named constraints so that Alembic can alter them (SQLite batch mode too).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
# The models' base: ``db.Model`` (Flask-SQLAlchemy's subclass of Base, with ``query`` and the table
# names), seen by type checkers as Base, since they cannot follow an attribute of an instance.
if TYPE_CHECKING:
    Model = Base
else:
    Model = db.Model
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
# Only for per-view options (``@talisman(force_https=False)``): create_app gives each app its own Talisman.
talisman = Talisman()
limiter = Limiter(key_func=get_remote_address)
# The shared cache, in named key spaces (impactnet.core.caching): Redis when REDIS_URL is set, else
# a folder under instance/ that the web process and the embedded Celery worker share.
cache = Cache()
