"""Services keyed by protocol: each plugin registers implementations of the protocols it defines.

A provider plugin defines its back-office protocol (``LuminusBackend``) and registers the local
implementation through ``portique_services``; its pages ask ``core.api.service(tenant, LuminusBackend)``.
A connector plugin enabled on the same tenant registers the same protocol and replaces the owner's
implementation there. Two provider plugins on one tenant each get their own service: the key is the
protocol, not a shared slot.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

T = TypeVar("T")

_KEYWORD_KINDS = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
_POSITIONAL_KINDS = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


class ServiceError(LookupError):
    """No implementation, two competing ones, or one that does not implement its protocol."""


@dataclass(frozen=True)
class Offer:
    """One plugin's implementation of one protocol on a tenant."""

    plugin: str
    protocol: type
    implementation: object
    owner: bool  # the plugin defines the protocol (its local implementation)


def protocol_members(protocol: type) -> list[str]:
    """The public methods and attributes a protocol declares (its own and its bases', not ``Protocol``'s)."""
    names: set[str] = set()
    for klass in protocol.__mro__:
        if klass is object or klass.__module__ == "typing":
            continue
        names |= {n for n in vars(klass) if not n.startswith("_")}
        names |= {n for n in getattr(klass, "__annotations__", {}) if not n.startswith("_")}
    return sorted(names)


def _missing_default(name: str, wanted: inspect.Parameter, mine: inspect.Parameter) -> str | None:
    if wanted.default is not inspect.Parameter.empty and mine.default is inspect.Parameter.empty:
        return f"{name}: {mine.name!r} needs the protocol's default"
    return None


def _positional_problem(
    name: str, want: list[inspect.Parameter], have: list[inspect.Parameter], matched: set[str]
) -> str | None:
    """The protocol's positional parameters, in order, against the implementation's."""
    var_positional = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in have)
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in have)
    positional = [p for p in have if p.kind in _POSITIONAL_KINDS]
    for index, param in enumerate(p for p in want if p.kind in _POSITIONAL_KINDS):
        if index >= len(positional):
            return None if var_positional else f"{name}: takes no parameter {param.name!r}"
        mine = positional[index]
        if param.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and mine.name != param.name and not var_keyword:
            return f"{name}: {mine.name!r} stands where the protocol has {param.name!r}"
        problem = _missing_default(name, param, mine)
        if problem:
            return problem
        matched.add(mine.name)
    return None


def _keyword_problem(
    name: str, want: list[inspect.Parameter], have: list[inspect.Parameter], matched: set[str]
) -> str | None:
    """The protocol's keyword-only parameters against the implementation's."""
    var_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in have)
    by_name = {p.name: p for p in have if p.kind in _KEYWORD_KINDS}
    for param in (p for p in want if p.kind is inspect.Parameter.KEYWORD_ONLY):
        mine = by_name.get(param.name)
        if mine is None:
            if not var_keyword:
                return f"{name}: takes no keyword {param.name!r}"
            continue
        problem = _missing_default(name, param, mine)
        if problem:
            return problem
        matched.add(mine.name)
    return None


def _signature_problem(name: str, required: inspect.Signature, offered: inspect.Signature) -> str | None:
    """Why ``offered`` cannot be called every way ``required`` can, or ``None``."""
    want = list(required.parameters.values())
    have = list(offered.parameters.values())
    matched: set[str] = set()
    problem = _positional_problem(name, want, have, matched) or _keyword_problem(name, want, have, matched)
    if problem:
        return problem
    for extra in have:
        if extra.name in matched or extra.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            continue
        if extra.default is inspect.Parameter.empty:
            return f"{name}: requires {extra.name!r}, which the protocol does not pass"
    return None


def conformance_problems(protocol: type, implementation: object) -> list[str]:
    """What keeps ``implementation`` (a class or an instance) from implementing ``protocol``.

    Every method of the protocol must exist, be a coroutine function where the protocol's is, and
    accept every call the protocol's signature accepts (Zope's ``verifyClass``); every declared
    attribute must exist. An empty list means it conforms.
    """
    klass = implementation if isinstance(implementation, type) else type(implementation)
    problems: list[str] = []
    for name in protocol_members(protocol):
        wanted = inspect.getattr_static(protocol, name, None)
        if not hasattr(implementation, name):
            problems.append(f"{name}: missing")
            continue
        if not callable(wanted) or isinstance(wanted, property):
            continue
        offered = inspect.getattr_static(klass, name, None)
        if offered is None or not callable(offered):
            problems.append(f"{name}: not a method")
            continue
        if inspect.iscoroutinefunction(wanted) and not inspect.iscoroutinefunction(offered):
            problems.append(f"{name}: must be async")
            continue
        problem = _signature_problem(name, inspect.signature(wanted), inspect.signature(offered))
        if problem:
            problems.append(problem)
    return problems


class ServiceRegistry:
    """The services of one tenant, by protocol; built from the ``portique_services`` answers."""

    def __init__(self, offers: Iterable[Offer]) -> None:
        by_protocol: dict[type, list[Offer]] = {}
        for offer in offers:
            by_protocol.setdefault(offer.protocol, []).append(offer)
        self._services: dict[type, object] = {}
        for protocol, found in by_protocol.items():
            chosen = self._choose(protocol, found)
            problems = conformance_problems(protocol, chosen.implementation)
            if problems:
                raise ServiceError(
                    f"plugin {chosen.plugin!r}: {type(chosen.implementation).__name__} does not implement "
                    f"{protocol.__qualname__}: {'; '.join(problems)}"
                )
            self._services[protocol] = chosen.implementation

    @staticmethod
    def _choose(protocol: type, found: list[Offer]) -> Offer:
        connectors = [offer for offer in found if not offer.owner]
        if len(connectors) > 1:
            names = " and ".join(repr(offer.plugin) for offer in connectors)
            raise ServiceError(f"plugins {names} both implement {protocol.__qualname__}: enable only one")
        return connectors[0] if connectors else found[0]

    def get(self, protocol: type[T]) -> T:
        """The implementation of ``protocol``; :class:`ServiceError` when no enabled plugin offers one."""
        try:
            return cast(T, self._services[protocol])
        except KeyError:
            raise ServiceError(f"no enabled plugin implements {protocol.__qualname__}") from None

    def protocols(self) -> list[type]:
        """The protocols this tenant has an implementation of."""
        return list(self._services)


def offers_of(plugin: str, package: str, answer: Any) -> list[Offer]:
    """One plugin's ``portique_services`` answer as offers (``owner`` when its package defines the protocol)."""
    offers = []
    for protocol, implementation in dict(answer or {}).items():
        module = protocol.__module__
        owner = module == package or module.startswith(package + ".")
        offers.append(Offer(plugin, protocol, implementation, owner))
    return offers
