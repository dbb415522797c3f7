from django import forms
from django.utils.translation import gettext_lazy as _

from .readers import MAX_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("表格文件"),
        help_text=_(
            "支持 .xlsx、.xls、.csv（UTF-8 或 GBK 编码），不超过 30 MB。上传后先预览，确认后才会写入。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xls,.csv,.txt"}),
    )

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > MAX_BYTES:
            raise forms.ValidationError(
                _("文件过大，单个文件不能超过 %(max)d MB。"), params={"max": MAX_BYTES // 2**20}
            )
        return file
