from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class _TokenField(forms.CharField):
    def to_python(self, value: str | None) -> str:
        # Authenticator apps often show the code as "123 456".
        return super().to_python(value).replace(" ", "")


class OTPTokenForm(forms.Form):
    """The six-digit code shown by the administrator's authenticator app."""

    token = _TokenField(
        label=_("6 位验证码"),
        validators=[RegexValidator(r"^\d{6}$", _("请输入 6 位数字验证码。"))],
        widget=forms.TextInput(
            attrs={
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "maxlength": "7",
                "autofocus": True,
            }
        ),
    )
