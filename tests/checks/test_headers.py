"""headers.py: the YAML header of a catalogue SQL file and the one-SELECT rule, with one-line errors naming the file."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ConfigDict, StrictStr, ValidationError

from auditreport.checks.headers import (
    parsed_parameters,
    pydantic_line,
    read_sql_file,
    sql_parameters,
)
from auditreport.errors import CheckDefinitionError


class Header(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: StrictStr


def test_header_whole_file_and_body(tmp_path):
    path = tmp_path / "x.sql"
    path.write_text("/*---\nid: x\n---*/\nselect 1 -- $not_a_parameter\n")
    header, sql, body = read_sql_file(path, Header)
    assert header.id == "x" and sql.startswith("/*---") and body == "\nselect 1 -- $not_a_parameter\n"
    assert parsed_parameters(path, sql) == set()


@pytest.mark.parametrize("text,line,expected", [
    ("select 1", None, "no metadata header"),
    ("/*---\nid: [x\n---*/\nselect 1", 2, "header is not valid YAML"),
    ("/*---\n- x\n---*/\nselect 1", 2, "header must be a YAML mapping"),
    ("/*---\nid: x\nowner: y\n---*/\nselect 1", 3, "header: owner: unknown header key"),
    ("/*---\nid: 3\n---*/\nselect 1", 2, "header: id: Input should be a valid string"),
])
def test_bad_headers_are_one_line_naming_the_file_and_line(tmp_path, text, line, expected):
    path = tmp_path / "x.sql"
    path.write_text(text)
    with pytest.raises(CheckDefinitionError) as err:
        read_sql_file(path, Header)
    assert str(err.value).startswith(f"{path}:{line}: " if line else f"{path}: "), str(err.value)
    assert expected in str(err.value) and "\n" not in str(err.value) and err.value.line == line


def test_an_unreadable_file(tmp_path):
    path = tmp_path / "x.sql"
    path.write_bytes(b"\xff\xfe not utf-8")
    with pytest.raises(CheckDefinitionError, match="cannot read view file"):
        read_sql_file(path, Header, "view")


def test_sql_parameters_are_what_duckdb_parses():
    assert sql_parameters("select $a, '$b' as s, $c -- $d\n") == {"a", "c"}
    with pytest.raises(ValueError, match="exactly one SQL statement"):
        sql_parameters("select 1; select 2")
    with pytest.raises(ValueError, match="must be a SELECT"):
        sql_parameters("create table t (x int)")


def test_pydantic_line_says_how_many_more_errors():
    class Two(BaseModel):
        model_config = ConfigDict(strict=True)
        a: int
        b: int

    with pytest.raises(ValidationError) as err:
        Two.model_validate({})
    assert pydantic_line(err.value) == "a: Field required (and 1 more)"
