"""Schema-driven conversion between XML elements and the plain dicts handlers see."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from elementpath import datatypes as xpath_types
from lxml import etree
from xmlschema import XMLSchemaException, XMLSchemaValidationError, XsdElement

from guichet.core.errors import GuichetError
from guichet.core.soap import errors

_PREFIX = re.compile(r"(?<=[/@])[A-Za-z_][\w.-]*:")
_CLARK = re.compile(r"\{[^}]*\}")
_XSI = "{http://www.w3.org/2001/XMLSchema-instance}"


def decode_element(xsd_element: XsdElement, element: etree._Element) -> dict[str, Any]:
    """Validate ``element`` and return it as a dict (local names, ``@attr``, Python dates).

    Child elements are keyed by local name, attributes by ``@name``, the text of an
    element that also has attributes by ``$``; repeatable elements are always lists; an
    absent optional element has no key. xs:date / xs:dateTime / xs:time become
    :mod:`datetime` objects, xs:decimal :class:`~decimal.Decimal`, xs:int ``int``.
    """
    root = "/" + etree.QName(element).localname
    try:
        data = xsd_element.decode(
            element,
            validation="strict",
            strip_namespaces=True,
            datetime_types=True,
            keep_empty=True,  # <text/> of xs:string is "", not None
            element_hook=_drop_xsi_attributes,
        )
    except XMLSchemaValidationError as exc:
        raise schema_error(exc) from None
    except XMLSchemaException as exc:
        # e.g. an xsi:type naming a type the schema does not have: still the caller's.
        reason = _CLARK.sub("", str(exc).strip("'\""))[:500]
        raise GuichetError(errors.SCHEMA_INVALID, field=root, reason=reason, path=root) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        data = {"$": data}  # a body element of simple type
    return _to_python(data, root)


def _drop_xsi_attributes(data: Any, xsd_element: Any, xsd_type: Any) -> Any:
    """xsi:type/xsi:nil/xsi:schemaLocation steer validation; they are not payload."""
    if data.attributes:
        kept = [(name, value) for name, value in data.attributes if not name.startswith(_XSI)]
        data = data._replace(attributes=kept or None)
    return data


def schema_error(exc: XMLSchemaValidationError) -> GuichetError:
    """SOAP-SCHEMA with xmlschema's reason and the path of the faulty node (prefixes removed)."""
    reason = _CLARK.sub("", (exc.reason or exc.message or "?").strip().splitlines()[0])
    path = strip_prefixes(exc.path or "") or "/"
    return GuichetError(errors.SCHEMA_INVALID, field=path, reason=reason[:500], path=path)


def strip_prefixes(path: str) -> str:
    """``/e:echoRequest/{urn:x}count`` → ``/echoRequest/count``: prefixes mean nothing to the caller."""
    return _PREFIX.sub("", _CLARK.sub("", path))


def _to_python(value: Any, path: str) -> Any:
    """Replace elementpath date/time objects by :mod:`datetime` ones, recursively."""
    if isinstance(value, dict):
        return {key: _to_python(item, _child_path(path, key)) for key, item in value.items()}
    if isinstance(value, list):
        return [_to_python(item, path) for item in value]
    if isinstance(value, xpath_types.AbstractDateTime | xpath_types.Duration):
        return _datetime_value(value, path)
    return value


def _child_path(path: str, key: str) -> str:
    return f"{path}/{key}" if not key.startswith("$") else path


def _datetime_value(value: Any, path: str) -> Any:
    try:
        tzinfo = _timezone(value.tzinfo) if hasattr(value, "tzinfo") else None
        if isinstance(value, xpath_types.DateTime):
            return dt.datetime(
                value.year, value.month, value.day, value.hour, value.minute,
                value.second, value.microsecond, tzinfo=tzinfo,
            )  # fmt: skip
        if isinstance(value, xpath_types.Date):
            return dt.date(value.year, value.month, value.day)
        if isinstance(value, xpath_types.Time):
            return dt.time(value.hour, value.minute, value.second, value.microsecond, tzinfo=tzinfo)
    except (ValueError, OverflowError):
        # Python dates stop at years 1..9999; nothing in our business lies outside.
        reason = f"date hors de la plage 0001-9999 / date out of range: {value}"
        raise GuichetError(errors.SCHEMA_INVALID, field=path, reason=reason, path=path) from None
    return str(value)  # gYear, gMonthDay, duration…: their lexical form


def _timezone(tzinfo: dt.tzinfo | None) -> dt.timezone | None:
    if tzinfo is None:
        return None
    offset = tzinfo.utcoffset(None)
    return dt.UTC if not offset else dt.timezone(offset)


def encode_element(
    xsd_element: XsdElement, data: Mapping[str, Any] | None, prefix: str = "tns"
) -> etree._Element:
    """Build the element from a dict shaped like :func:`decode_element`'s, and validate it.

    ``None`` values are left out (an absent optional element), Python dates are
    written in their ISO form. An invalid result raises ``XMLSchemaValidationError``:
    it is the server's bug, not the caller's.
    """
    value = qualify(xsd_element, to_xml_values(dict(data or {})))
    namespaces = {prefix: xsd_element.target_namespace} if xsd_element.target_namespace else {}
    element = xsd_element.encode(
        value,
        validation="strict",
        namespaces=namespaces,
        etree_element_class=etree.Element,
        indent=0,
    )
    # encode() lets a few things through (an empty value for a typed element, for
    # one): validating the result is what guarantees the answer keeps the contract.
    xsd_element.validate(element)
    return element


def to_xml_values(value: Any) -> Any:
    """Python values → what xmlschema encodes: ISO dates, ``None`` entries dropped."""
    if isinstance(value, Mapping):
        return {key: to_xml_values(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [to_xml_values(item) for item in value if item is not None]
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return value


def qualify(xsd_element: XsdElement, value: Any) -> Any:
    """Turn local-name keys into the qualified names the schema declares, recursively."""
    # The handler's dicts use local names (like decode_element's); xmlschema needs
    # each child's real name, which may come from another namespace (imported types).
    if isinstance(value, list):
        return [qualify(xsd_element, item) for item in value]
    xsd_type = xsd_element.type
    if not isinstance(value, Mapping) or xsd_type.is_simple():
        return value
    children: dict[str, XsdElement] = {}
    if xsd_type.model_group is not None:
        for child in xsd_type.model_group.iter_elements():
            if isinstance(child, XsdElement):
                children.setdefault(child.local_name, child)
    attributes = {
        etree.QName(name).localname: name for name in xsd_type.attributes if name is not None
    }
    result: dict[str, Any] = {}
    for key, item in value.items():
        if key.startswith("@") and key[1:] in attributes:
            result["@" + attributes[key[1:]]] = item
        elif key in children:
            child = children[key]
            result[child.name] = qualify(child, item)
        else:
            result[key] = item  # $ text, or an unknown key xmlschema will refuse
    return result
