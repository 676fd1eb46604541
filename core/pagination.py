"""Default pagination (its own module: DRF imports it while loading its generic views)."""

from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor pages of ``page_size`` (default 50, at most 200); each viewset sets a unique ``ordering``."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def get_ordering(self, request, queryset, view):
        """Each viewset names its own unique ordering (``ordering = "code"``)."""
        ordering = getattr(view, "ordering", None)
        if ordering:
            return (ordering,) if isinstance(ordering, str) else tuple(ordering)
        return super().get_ordering(request, queryset, view)

    def get_schema_operation_parameters(self, view):
        """``page_size`` as it behaves: a number from 1 to 200 sets the page size, a larger one gives 200 and
        anything else (empty, not a number) the default 50; it is never refused, so its schema is open."""
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    "Results per page: 1 to 200 (larger gives 200); anything else gives the default, 50."
                )
                parameter["schema"] = {}
        return parameters
