"""Template helpers of the correction pages: ``{% desk_notice %}`` shows (once) what the last save, correction or
void on the desk did, with its undo button (``desk.corrections``)."""

from django import template

from desk import corrections

register = template.Library()


@register.inclusion_tag("desk/records/_notice.html", takes_context=True)
def desk_notice(context):
    request = context.get("request")
    return {"notice": corrections.pop(request) if request is not None else None, "request": request}
