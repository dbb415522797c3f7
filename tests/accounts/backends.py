"""django-axes for the test settings: see config/settings/test.py."""

from axes.backends import AxesStandaloneBackend


class TestClientAxesBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:  # Client.login(); nothing to throttle
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
