"""Generic SOAP 1.1 machinery for contract-first (WSDL 1.1 + XSD, document/literal) services.

A domain app declares its service in ``soap.py`` and mounts it::

    SERVICE = SoapService(
        wsdl=Path(__file__).parent / "wsdl" / "mutation.wsdl",
        service_name="MutationService",
        handlers={"commanderMutation": commander_mutation},
    )
    urlpatterns = [*soap_urls("ws/mutation/v1", SERVICE, name="soap-mutation")]
"""

from guichet.core.soap.service import Handler, Header, Payload, SoapService
from guichet.core.soap.views import SoapView, soap_urls

__all__ = ["Handler", "Header", "Payload", "SoapService", "SoapView", "soap_urls"]
