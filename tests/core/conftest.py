from tests.core.crawl import (  # noqa: F401 - the session's crawl, shared by test_crawl and test_language
    LAST,
    crawl_results,
)


def pytest_terminal_summary(terminalreporter):
    if LAST:
        crawl = LAST[0]
        terminalreporter.write_line(
            f"crawl: {len(crawl.results)} requests over {len(crawl.patterns)} URL patterns in {crawl.seconds:.0f} s"
        )
