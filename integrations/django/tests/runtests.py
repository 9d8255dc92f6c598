"""Runs the package's tests with Django's test runner on the test project (sqlite in memory).

    python3 integrations/django/tests/runtests.py [test_module …] [-v 2]
"""

import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "testproject.settings")
os.environ.pop("KNOCKER_TEST_DB", None)  # always a fresh in-memory database


def main(argv):
    import django
    from django.conf import settings
    from django.test.utils import get_runner

    django.setup()
    verbosity = 2 if "-v" in argv else 1
    labels = [a for a in argv if not a.startswith("-") and a != "2"] or [HERE]
    runner = get_runner(settings)(verbosity=verbosity, top_level=HERE, interactive=False)
    return 1 if runner.run_tests(labels) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
