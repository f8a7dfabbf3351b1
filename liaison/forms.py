from crispy_forms.helper import FormHelper
from django import forms


class LiaisonFormMixin:
    """Every form takes the acting user (for scoped choices) and renders with crispy's Bootstrap 5 pack."""

    def __init__(self, *args, user=None, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class LiaisonModelForm(LiaisonFormMixin, forms.ModelForm):
    pass


class LiaisonForm(LiaisonFormMixin, forms.Form):
    def __init__(self, *args, instance_for=None, **kwargs):
        self.instance_for = instance_for
        super().__init__(*args, **kwargs)
