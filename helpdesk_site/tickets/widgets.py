from django import forms


def apply_bootstrap(form: forms.BaseForm) -> None:
    """Give a form's widgets Bootstrap's classes, so templates stay plain."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        else:
            css = "form-control"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
