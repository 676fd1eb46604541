"""Filter helpers shared by the API's filtersets."""

import django_filters


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """``true``/``false`` only: anything else is a 400, not silently ignored like django-filter's default."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        kwargs.setdefault("coerce", lambda value: value == "true")
        super().__init__(*args, **kwargs)
