"""The exact plan under staff-minute limits: branch and bound over left-out visits.

When a plan puts more visits on a home-visit service's day than its staff
minutes allow, every plan within the limits either makes fewer visits that
day, or, making as many, leaves out one of the patients the plan visits then
(a visit's minutes depend on the patient, not on the session, so it must
take a patient with a shorter drive instead). So branching on "one visit
fewer that day" and "patient p not visited that day" (p's pairs that day
*forbidden* from then on) reaches an optimal plan within the limits. The
patient branches split the plans between them: the i-th keeps the day's
first i-1 patients on that day, so no plan is searched twice. Each
limited day is a node of the network between its sessions and the sink, so
"fewer visits" is a capacity. A
branch's plan is the flow optimum with its day capacities and forbidden
pairs, found from its parent by one shortest path on reduced costs
(Dijkstra) that moves whoever the change displaces; its cost bounds every
plan below it. Ties go deepest first, so a plan within the limits at the
bound is found at once. Searched best first and
pruned at the best plan known, the search ends with a proven optimum or, at
the time limit, with the lowest open bound.

The search sees only pairs whose reduced cost at the flow optimum is at most
twice the gap between the best plan known and that optimum: no other pair
can lie on a path short enough to matter (each path a branch takes lowers a
reduced cost by at most its own length, and the lengths add up to less than
the gap).

Before it branches, and in each branch that rules patients out of a day, a
limited day's visits are capped at as many as its minutes can fit
(``cover``): the flow bound then already counts the visits the minutes
cannot pay for.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
from scipy import sparse
from scipy.sparse.csgraph import dijkstra

from .best_first import branch_and_bound
from .capped import capped_root
from .cover import most_visits
from .problem import DEFAULT_OPTIONS, AssignmentProblem, Scaling, SolverOptions, _repair

__all__ = ["Search", "search"]

#: Added to every arc length so that arcs of length zero stay arcs.
_EPS = 1e-6


@dataclass
class Search:
    """The outcome: ``pair`` is the store position per patient (-1: unplaced);
    ``objective`` and ``bound`` are in scaled cost units."""

    pair: np.ndarray
    status: str
    objective: int
    bound: int
    branches: int = 0
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Pool:
    """The pairs the search may use, in store order: ``key`` is
    ``patient * sessions + session`` (sorted), ``cost`` scaled."""

    patient: np.ndarray
    session: np.ndarray
    cost: np.ndarray
    position: np.ndarray
    key: np.ndarray

    def index(self, patient: int, session: int, n_sessions: int) -> int:
        return int(np.searchsorted(self.key, patient * n_sessions + session))


@dataclass
class _Branch:
    value: int
    assigned: np.ndarray  # pool index per patient, -1 unplaced
    labels: np.ndarray  # potentials: patients, sessions, sink, limited days
    forbidden: frozenset[int]
    days: np.ndarray  # most visits per limited day in this branch
    placed: frozenset[int] = frozenset()  # patients who must keep a place
    depth: int = 0

    @property
    def key(self) -> tuple[frozenset[int], bytes, frozenset[int]]:
        return self.forbidden, self.days.tobytes(), self.placed


class _Tree:
    """Branches of the search over one pool of pairs.

    Nodes: patients, sessions, the sink, then one node per limited day, which
    its sessions pass through on their way to the sink.
    """

    def __init__(
        self,
        pool: _Pool,
        capacity: np.ndarray,
        unplaced: np.ndarray,
        limits: list[tuple[np.ndarray, np.ndarray, int]],
        day_of: np.ndarray,
    ) -> None:
        self.pool = pool
        self.capacity = np.asarray(capacity, np.int64)
        self.unplaced = unplaced
        self.limits = limits  # (pool indices, minutes, limit) per limited day
        self.day_of = day_of  # limited day of each session, -1 for none
        self.n = len(unplaced)
        self.sink = self.n + len(capacity)
        self.n_nodes = self.sink + 1 + len(limits)
        # every limit's pairs in one array, to add up minutes per day at once
        self._arcs = np.concatenate([a for a, _, _ in limits]) if limits else np.zeros(0, int)
        self._minutes = np.concatenate([m for _, m, _ in limits]) if limits else np.zeros(0)
        self._owner = np.repeat(np.arange(len(limits)), [len(a) for a, _, _ in limits])
        self._limit = np.array([limit for _, _, limit in limits], np.int64)

    def value(self, assigned: np.ndarray) -> int:
        placed = assigned >= 0
        return int(self.pool.cost[assigned[placed]].sum() + self.unplaced[~placed].sum())

    def loads(self, assigned: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Visits per session and per limited day."""
        load = np.bincount(self.pool.session[assigned[assigned >= 0]], minlength=len(self.capacity))
        grouped = self.day_of >= 0
        per_day = np.bincount(
            self.day_of[grouped], weights=load[grouped], minlength=len(self.limits)
        ).astype(np.int64)
        return load, per_day

    def over(self, assigned: np.ndarray) -> int:
        """The first limited day the plan breaks, or -1."""
        used = np.zeros(len(self.pool.cost), bool)
        used[assigned[assigned >= 0]] = True
        spent = np.bincount(
            self._owner, weights=self._minutes * used[self._arcs], minlength=len(self.limits)
        )
        broken = np.flatnonzero(spent > self._limit)
        return int(broken[0]) if len(broken) else -1

    def visits(self, assigned: np.ndarray, k: int) -> list[int]:
        """The pairs the plan uses on limited day ``k``."""
        used = np.zeros(len(self.pool.cost), bool)
        used[assigned[assigned >= 0]] = True
        arcs = self.limits[k][0]
        return arcs[used[arcs]].tolist()

    def most_visits(
        self, k: int, forbidden: frozenset[int] = frozenset(), placed: frozenset[int] = frozenset()
    ) -> int:
        """``cover.most_visits`` of limited day ``k`` without the ``forbidden`` pairs; the
        ``placed`` patients left no pair on another day must be visited that day."""
        arcs, minutes, limit = self.limits[k]
        if forbidden:
            allowed = ~np.isin(arcs, np.fromiter(forbidden, np.int64, len(forbidden)))
            arcs, minutes = arcs[allowed], minutes[allowed]
        must = [p for p in placed if forbidden.issuperset(self.day_pairs(p, k, that_day=False))]
        return most_visits(self.pool.patient[arcs], minutes, limit, np.array(must, np.int64))

    def day_pairs(self, patient: int, k: int, that_day: bool = True) -> list[int]:
        """The pool pairs of ``patient`` on limited day ``k`` (or on every other day)."""
        a, b = np.searchsorted(
            self.pool.key, [patient * len(self.capacity), (patient + 1) * len(self.capacity)]
        )
        mine = np.arange(a, b)
        return mine[(self.day_of[self.pool.session[mine]] == k) == that_day].tolist()

    def _graph(
        self,
        branch: _Branch,
        reach: int,
        forbidden: frozenset[int] | None = None,
        shut_day: int = -1,
        end_session: int = -1,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(tail, head, length) of the residual network of ``branch`` without the
        ``forbidden`` pairs (default: the branch's; neither way) and without the arcs
        between limited day ``shut_day`` and the sink (neither way), arcs no longer
        than ``reach``; lengths are reduced costs. Dead ends are left out, but for
        ``end_session``, where a path is to end."""
        pool, labels, n, sink = self.pool, branch.labels, self.n, self.sink
        used = np.zeros(len(pool.cost), bool)
        used[branch.assigned[branch.assigned >= 0]] = True
        reduced = pool.cost + labels[pool.patient] - labels[n + pool.session]
        shut = np.zeros(len(pool.cost), bool)
        shut[list(branch.forbidden if forbidden is None else forbidden)] = True
        short = np.abs(reduced) <= reach
        forward = np.flatnonzero(~used & ~shut & short)
        back = np.flatnonzero(used & ~shut & short)
        placed = branch.assigned >= 0
        may_leave = placed.copy()
        may_leave[list(branch.placed)] = False
        stay_out = self.unplaced + labels[:n] - labels[sink]
        # a patient reached from their session but with no way on is a dead end
        onward_patient = np.zeros(n, bool)
        onward_patient[pool.patient[forward]] = True
        onward_patient |= may_leave & (stay_out <= reach)
        back = back[onward_patient[pool.patient[back]]]
        load, per_day = self.loads(branch.assigned)
        s_node = n + np.arange(len(self.capacity))
        # a session's way out: the sink, or its limited day
        out = np.where(self.day_of >= 0, sink + 1 + self.day_of, sink)
        onward = labels[s_node] - labels[out]
        # a session no patient can move into or out of only links the sink to itself
        touched = np.zeros(len(self.capacity), bool)
        touched[pool.session[forward]] = True
        touched[pool.session[back]] = True
        if end_session >= 0:
            touched[end_session] = True
        room, busy = touched & (load < self.capacity), touched & (load > 0)
        d_node = sink + 1 + np.arange(len(self.limits))
        to_sink = labels[d_node] - labels[sink]
        d_open = np.arange(len(self.limits)) != shut_day
        d_room, d_busy = d_open & (per_day < branch.days), d_open & (per_day > 0)
        p_node = np.arange(n)
        leave = may_leave & (stay_out <= reach)
        enter = ~placed & (-stay_out <= reach)
        pieces: list[tuple[Any, Any, np.ndarray]] = [
            (pool.patient[forward], n + pool.session[forward], reduced[forward]),
            (n + pool.session[back], pool.patient[back], -reduced[back]),
            (s_node[room], out[room], onward[room]),
            (out[busy], s_node[busy], -onward[busy]),
            (d_node[d_room], np.int64(sink), to_sink[d_room]),
            (np.int64(sink), d_node[d_busy], -to_sink[d_busy]),
            (p_node[leave], np.int64(sink), stay_out[leave]),
            (np.int64(sink), p_node[enter], -stay_out[enter]),
        ]
        tails, heads, lengths = [], [], []
        for tail, head, length in pieces:
            keep = length <= reach
            tails.append(np.broadcast_to(tail, length.shape)[keep])
            heads.append(np.broadcast_to(head, length.shape)[keep])
            lengths.append(length[keep])
        length = np.concatenate(lengths)
        if (length < 0).any():
            raise ArithmeticError("negative reduced cost: the potentials are not optimal")
        return np.concatenate(tails), np.concatenate(heads), length

    def without(
        self, branch: _Branch, visit: int, k: int, kept: list[int], ceiling: int
    ) -> _Branch | None:
        """``branch`` with the patient of pair ``visit`` not visited on limited day ``k``
        (all their pairs that day forbidden) and the patients of the pairs ``kept``
        kept on that day, or None if that costs ``ceiling`` or more: the patient
        moves along a shortest path back to the session."""
        pool = self.pool
        patient, session = int(pool.patient[visit]), int(self.n + pool.session[visit])
        forbidden = set(branch.forbidden) | set(self.day_pairs(patient, k))
        stay = set(branch.placed)
        for pair in kept:
            other = int(pool.patient[pair])
            forbidden |= set(self.day_pairs(other, k, that_day=False))
            stay.add(other)
        kept_branch = replace(branch, placed=frozenset(stay))
        graph = self._graph(
            kept_branch,
            ceiling - branch.value,
            frozenset(forbidden),
            end_session=session - self.n,
        )
        return self._move(
            kept_branch, graph, patient, session, ceiling, frozenset(forbidden), branch.days
        )

    def fewer(self, branch: _Branch, k: int, ceiling: int) -> _Branch | None:
        """``branch`` with one visit fewer on limited day ``k`` than it makes, or None if
        that costs ``ceiling`` or more: one unit through the day goes a shortest other way."""
        days = branch.days.copy()
        days[k] = self.loads(branch.assigned)[1][k] - 1
        graph = self._graph(branch, ceiling - branch.value, shut_day=k)
        node = self.sink + 1 + k
        return self._move(branch, graph, node, self.sink, ceiling, branch.forbidden, days)

    def _shortest(
        self,
        graph: tuple[np.ndarray, np.ndarray, np.ndarray],
        source: int,
        target: int,
        reach: int,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Dijkstra from ``source`` up to ``reach`` over the nodes the arcs touch only:
        (length to every node, inf beyond; the node before it on the way)."""
        tail, head, length = graph
        present = np.zeros(self.n_nodes, bool)
        present[tail] = present[head] = True
        present[[source, target]] = True
        nodes = np.flatnonzero(present)
        local = np.full(self.n_nodes, -1, np.int64)
        local[nodes] = np.arange(len(nodes))
        # no two arcs join the same nodes, so the conversion adds nothing up
        matrix = sparse.coo_matrix(
            (length.astype(float) + _EPS, (local[tail], local[head])),
            shape=(len(nodes), len(nodes)),
        ).tocsr()
        near, step = dijkstra(
            matrix,
            directed=True,
            indices=int(local[source]),
            limit=reach + 0.5,
            return_predecessors=True,
        )
        dist = np.full(self.n_nodes, np.inf)
        dist[nodes] = near
        before = np.full(self.n_nodes, -1, np.int64)
        before[nodes] = np.where(step >= 0, nodes[np.maximum(step, 0)], -1)
        return dist, before

    def _move(
        self,
        branch: _Branch,
        graph: tuple[np.ndarray, np.ndarray, np.ndarray],
        source: int,
        target: int,
        ceiling: int,
        forbidden: frozenset[int],
        days: np.ndarray,
    ) -> _Branch | None:
        """Push one unit along a shortest path from ``source`` to ``target`` (closing a
        cycle with the arc taken away), with the potentials kept optimal."""
        reach = ceiling - branch.value
        dist, before = self._shortest(graph, source, target, reach)
        if not np.isfinite(dist[target]):
            return None
        far = float(dist[target])
        assigned = branch.assigned.copy()
        node = target
        while node != source:  # walk the path back: who goes where
            tail = int(before[node])
            if tail < self.n:
                if node == self.sink:
                    assigned[tail] = -1
                else:
                    assigned[tail] = self.pool.index(tail, node - self.n, len(self.capacity))
            node = tail
        value = self.value(assigned)
        if value >= ceiling:
            return None
        shift = np.minimum(np.where(np.isfinite(dist), dist, far), far)
        labels = branch.labels + np.rint(shift).astype(np.int64)
        return _Branch(value, assigned, labels, forbidden, days, branch.placed, branch.depth + 1)


def search(
    problem: AssignmentProblem,
    options: SolverOptions = DEFAULT_OPTIONS,
    *,
    flow: np.ndarray,
    labels: np.ndarray,
    incumbent: np.ndarray,
) -> Search:
    """The optimum within the side limits, starting from the flow optimum, in at most
    ``options.time_limit`` seconds.

    Parameters
    ----------
    problem
        Every allowed pair (``arcs``, cost in points), grouped by patient in
        session order, and the limits (``side``) over them; each limit covers
        the sessions of one service's day, and no session is in two.
    flow
        Pair per patient (store position, -1 unplaced) of the flow optimum
        without the limits, optimal over every pair.
    labels
        That flow's shortest-path labels (patients, sessions, sink), scaled units.
    incumbent
        Pair per patient of a plan within the limits (the best known).
    """
    deadline = time.perf_counter() + max(0.0, options.time_limit)
    scaling, value_of = problem.scaling, problem.objective
    capped = capped_root(problem, labels)
    proven = value_of(flow)
    if capped.labels is not None:  # start from the capped optimum: a higher bound
        repaired = capped.arc.copy()
        _repair(problem.sessions_of(repaired), repaired, problem.arcs, problem.side)
        incumbent = min(incumbent, repaired, key=value_of)
        proven = max(proven, capped.value)
        try:
            start = (capped.arc, capped.labels)
            found = _run(problem, start, incumbent, capped.caps, deadline)
        except ArithmeticError:  # labels drifted in a branch: search from the flow instead
            found = None
    if capped.labels is None or found is None:
        found = _run(problem, (flow, labels), incumbent, None, deadline)
    best, bound, branches, outcome = found
    value, proven = value_of(best), max(proven, bound)
    if outcome != "time" or proven >= value:
        return Search(best, "OPTIMAL", value, value, branches, _note(branches, 0, scaling))
    notes = _note(branches, value - proven, scaling)
    return Search(best, "FEASIBLE", value, proven, branches, notes)


def _run(
    problem: AssignmentProblem,
    start: tuple[np.ndarray, np.ndarray],
    best: np.ndarray,
    caps: np.ndarray | None,
    deadline: float,
) -> tuple[np.ndarray, int, int, str]:
    """Branch and bound from ``start`` (pair per patient and labels of an optimum with
    the limited days capped at ``caps``, or the flow optimum without caps), under ever
    higher ceilings: (best plan, proven bound, branches, "done" or "time")."""
    value_of = problem.objective
    lower = value_of(start[0])
    branches, proven = 0, lower
    # look below a low ceiling first: far fewer pairs can matter there
    step = max(1, (value_of(best) - lower) // 16)
    while True:
        upper = value_of(best)
        if proven >= upper:
            return best, upper, branches, "done"
        ceiling = min(upper, lower + step)
        tree, root = _start(problem, start, best, ceiling - lower, caps)
        best, bound, count, outcome = branch_and_bound(tree, root, best, ceiling, deadline)
        branches += count
        proven = max(proven, bound)
        if outcome == "time":
            return best, proven, branches, "time"
        # "better": a much better plan, so start again on fewer pairs; "done": nothing
        # else below the ceiling, so raise it
        step = value_of(best) - lower if outcome == "better" else 4 * step


def _note(branches: int, open_gap: int, scaling: Scaling) -> list[str]:
    note = f"staff minutes: {branches} branches of the exact search"
    if open_gap > 0:
        note += f"; stopped at the time limit, {open_gap / scaling.scale:.2f} points open"
    return [note]


def _start(
    problem: AssignmentProblem,
    optimum: tuple[np.ndarray, np.ndarray],
    incumbent: np.ndarray,
    gap: int,
    caps: np.ndarray | None = None,
) -> tuple[_Tree, _Branch]:
    """The search tree over the pairs that can matter in plans less than ``gap`` above
    the flow optimum, and its root (the flow optimum): ``optimum`` is that flow's pair
    per patient and its labels (with the limited days' labels when it is the optimum
    with the days capped at ``caps`` visits)."""
    flow, labels = optimum
    capacity, unplaced, side = problem.capacity, problem.unplaced_cost, problem.side
    patient, session = problem.arcs.patient, problem.arcs.session
    icost = problem.scaling.cost(problem.arcs.cost)
    n_patients, n_sessions = problem.n_patients, len(capacity)
    placed = incumbent >= 0
    reduced = icost + labels[patient.astype(np.int64)] - labels[n_patients + session]
    keep = np.abs(reduced) <= 2 * gap
    keep[flow[flow >= 0]] = True
    keep[incumbent[placed]] = True
    at = np.flatnonzero(keep)
    p, s = patient[at].astype(np.int64), session[at].astype(np.int64)
    pool = _Pool(p, s, icost[at], at, p * n_sessions + s)
    limits = []
    day_of = np.full(n_sessions, -1, np.int64)
    for k, c in enumerate(side):
        day_of[np.unique(session[c.arcs])] = k
        inside = keep[c.arcs]
        where = np.searchsorted(at, c.arcs[inside])
        limits.append((where, c.use[inside].astype(np.int64), int(c.limit)))
    tree = _Tree(pool, capacity, unplaced, limits, day_of)
    if len(labels) == n_patients + n_sessions + 1:  # a limited day starts at the sink's
        labels = np.concatenate([labels, np.full(len(side), labels[n_patients + n_sessions])])
    start = np.where(flow >= 0, np.searchsorted(at, np.maximum(flow, 0)), -1)
    days = np.full(len(side), np.iinfo(np.int64).max // 4) if caps is None else caps.copy()
    root = _Branch(tree.value(start), start, labels.astype(np.int64), frozenset(), days)
    return tree, root
