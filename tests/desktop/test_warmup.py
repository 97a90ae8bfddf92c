"""The first page's head start: compiled templates kept between launches, the ORM configured ahead."""

from __future__ import annotations

import threading

from flask import Flask, render_template_string
from jinja2 import BytecodeCache, DictLoader

from desktop.warmup import cache_compiled_templates, warm_up_in_background


def templated_app(greeting: str) -> Flask:
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": "<title>Page</title><p>{{ greeting }}</p>"})
    app.get("/")(lambda: render_template_string('{% include "page.html" %}', greeting=greeting))
    return app


def test_compiled_templates_are_kept_in_the_cache_folder(tmp_path):
    app = templated_app("hello")
    cache_compiled_templates(app, tmp_path / "templates")
    assert "hello" in app.test_client().get("/").get_data(as_text=True)
    assert list((tmp_path / "templates").iterdir()), "nothing compiled was kept"


def test_a_changed_template_is_compiled_again(tmp_path):
    """The cache is checked against each template's source: an edit or an update shows at once."""
    first = templated_app("hello")
    cache_compiled_templates(first, tmp_path / "templates")
    first.test_client().get("/")
    second = templated_app("hello")
    second.jinja_loader = DictLoader({"page.html": "<title>Page</title><p>changed {{ greeting }}</p>"})
    cache_compiled_templates(second, tmp_path / "templates")
    assert "changed hello" in second.test_client().get("/").get_data(as_text=True)


def test_an_apps_own_template_cache_is_left_alone(tmp_path):
    class Mine(BytecodeCache):
        def load_bytecode(self, bucket):
            pass

        def dump_bytecode(self, bucket):
            pass

    app = templated_app("hello")
    mine = app.jinja_env.bytecode_cache = Mine()
    cache_compiled_templates(app, tmp_path / "templates")
    assert app.jinja_env.bytecode_cache is mine
    assert not (tmp_path / "templates").exists()


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    app = templated_app("hello")
    cache_compiled_templates(app, tmp_path / "file" / "templates")
    assert app.jinja_env.bytecode_cache is None
    assert "hello" in app.test_client().get("/").get_data(as_text=True)


def test_the_orm_is_configured_ahead_when_the_app_uses_it():
    from sqlalchemy import Column, ForeignKey, Integer
    from sqlalchemy.orm import declarative_base, relationship

    Base = declarative_base()

    class Author(Base):
        __tablename__ = "author"
        id = Column(Integer, primary_key=True)
        books = relationship("Book", back_populates="author")

    class Book(Base):
        __tablename__ = "book"
        id = Column(Integer, primary_key=True)
        author_id = Column(ForeignKey("author.id"))
        author = relationship(Author, back_populates="books")

    assert Author.__mapper__.configured is False
    warm_up_in_background()
    for thread in [t for t in threading.enumerate() if t.name == "warm-up"]:
        thread.join(10)
    assert Author.__mapper__.configured is True


def test_a_cache_that_cant_be_written_is_skipped(tmp_path, monkeypatch):
    """Issue 26: on a full disk every page whose template wasn't compiled yet answered 500."""
    import errno

    from jinja2 import bccache

    def disk_full(self, f):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(bccache.Bucket, "write_bytecode", disk_full)
    app = templated_app("still shown")
    cache_compiled_templates(app, tmp_path / "templates")
    response = app.test_client().get("/")
    assert response.status_code == 200 and "still shown" in response.get_data(as_text=True)
    assert not [p for p in (tmp_path / "templates").iterdir()]  # no half-written entry left behind
