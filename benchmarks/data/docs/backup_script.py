"""Nightly backup job for the Pemberton family photo archive.

The job runs at 02:30 every night and copies new photos to the NAS named
"attic". Backups are kept for 90 days; monthly snapshots are kept forever.
"""

import datetime as dt

RUN_AT = dt.time(2, 30)
RETENTION_DAYS = 90
NAS_HOSTNAME = "attic"
COMPRESSION_LEVEL = 6  # zstd level chosen after testing levels 3 to 19


def is_expired(taken: dt.date, today: dt.date) -> bool:
    """A daily backup expires after 90 days unless it is the first of the month."""
    if taken.day == 1:
        return False
    return (today - taken).days > RETENTION_DAYS


def archive_name(day: dt.date) -> str:
    """Archives are named like photos-2024-06-01.tar.zst."""
    return f"photos-{day.isoformat()}.tar.zst"
