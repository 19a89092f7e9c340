"""The ``saferspaces`` command: the product's command line.

Every Django management command is reachable through it (``saferspaces migrate``,
``saferspaces import-nuts FILE``, ``saferspaces framework validate FILE``, ``saferspaces index build``...).
Configuration errors (a bad environment variable) are reported in one line, without a traceback.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saferspaces.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as error:
        print(f"saferspaces: configuration error: {error}", file=sys.stderr)
        return 2
    from django.core.management import execute_from_command_line

    args = ["saferspaces", *(sys.argv[1:] if argv is None else argv)]
    execute_from_command_line(args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
