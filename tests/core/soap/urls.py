"""Test URLconf: the echo service mounted like a domain app would mount its own."""

from guichet.core.soap import soap_urls
from tests.core.soap.echo_service import ECHO_SERVICE, LOCKED_SERVICE, PARTIAL_SERVICE

urlpatterns = [
    *soap_urls("ws/test/echo", ECHO_SERVICE, name="test-echo"),
    *soap_urls("ws/test/locked", LOCKED_SERVICE, name="test-locked"),
    *soap_urls("ws/test/partial", PARTIAL_SERVICE, name="test-partial"),
]
