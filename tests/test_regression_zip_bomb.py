"""Regression: a workbook or zip of CSV files was unpacked whole, so a few hundred KB that
unpack to gigabytes (a "zip bomb") took the server's memory and minutes. The members'
declared sizes are now added up first (zipfile holds each member to its declared size)
and more than 8 MB unpacked is refused with the error on the file. Found while
attacking the workbook import (tests/test_attacks.py)."""

import io
import time
import zipfile

import pytest

from sscmm.workbook import WorkbookError, tables_from_xlsx, tables_from_zip


@pytest.mark.parametrize(("read", "member"), [(tables_from_xlsx, "xl/worksheets/sheet1.xml"), (tables_from_zip, "KPIs.csv")])
def test_an_archive_that_unpacks_past_the_limit_is_refused_unread(read, member):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(member, b"0" * (40 * 1024 * 1024))
    started = time.monotonic()
    with pytest.raises(WorkbookError) as caught:
        read(buffer.getvalue())
    assert time.monotonic() - started < 1
    assert "unpacks to 41,943,040 bytes" in str(caught.value)
