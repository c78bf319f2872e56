"""Where the pages of a PDF document break: what is kept together, and headings with it.

Whatever must not be parted from what follows (a closing line and its signature, a
table and its heading) goes in :func:`keep_together`; :func:`bind_headings` moves the
headings just before such a group into it, so a heading is never left at the foot of a
page with its group on the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from reportlab.platypus import Flowable, KeepTogether

__all__ = ["SPLIT_HERE", "START_HERE", "Together", "bind_headings", "keep_together"]

START_HERE = 0.3
"""A group too tall for any page starts where it is when at least this share of a page is
left, rather than leaving that space blank."""
SPLIT_HERE = 0.4
"""A group that may split (a heading and a long table) starts where it is when at least
this share of a page is left."""


class Together(KeepTogether):  # type: ignore[misc]  # reportlab is untyped
    """Keeps its flowables on one page, moving them whole to the next when they do not
    fit; but a group taller than a whole page starts where it is when there is room,
    instead of leaving most of a page blank, and so does a group that may split (a
    heading with a long table, whose header row repeats on the next page) when much of
    the page is left. A group made around such a group (a section heading and its
    introduction kept with what follows) may split too."""

    def __init__(self, flowables: Sequence[Flowable], may_split: bool = False) -> None:
        super().__init__(list(flowables))
        self.may_split = may_split

    def split(self, aW: float, aH: float) -> list[Flowable]:
        parts: list[Flowable] = super().split(aW, aH)
        frame = getattr(self, "_frame", None)
        if not (parts and isinstance(parts[0], type(self.FrameBreak)) and frame is not None):
            return parts
        page, content = frame._height, self._H
        may_split = self.may_split or any(getattr(f, "may_split", False)
                                          for f in self._content)
        if (content > page and aH > page * START_HERE) or (may_split
                                                           and aH > page * SPLIT_HERE):
            # The doc needs more than one piece back from a split; the first does nothing.
            return [self.NullActionFlowable(), *_placed_here(parts[1:])]
        return parts


def _placed_here(flowables: Sequence[Flowable]) -> Iterator[Flowable]:
    """A group's flowables laid out one after another where it starts: groups within it
    opened up and headings no longer held to what follows, so no later decision moves
    part of it to the next page and leaves its heading behind."""
    for f in flowables:
        if isinstance(f, Together):
            yield from _placed_here(f._content)
        else:
            f.__dict__["keepWithNext"] = 0
            yield f


def bind_headings(story: Sequence[Flowable]) -> list[Flowable]:
    """The story with each run of headings (and other flowables kept with what follows)
    that comes just before a kept-together group moved into that group.

    reportlab keeps a heading with the flowable after it, but never with a group, so a
    heading before a group would otherwise be left at the foot of a page when the group
    moves on to the next.
    """
    out: list[Flowable] = []
    for f in story:
        if isinstance(f, Together):
            held: list[Flowable] = []
            while out and not isinstance(out[-1], KeepTogether) \
                    and out[-1].getKeepWithNext():
                held.insert(0, out.pop())
            if held:
                f._content = [*held, *f._content]
        out.append(f)
    return out


def keep_together(flowables: Sequence[Flowable], *, may_split: bool = False) -> Flowable:
    """Flowables kept on one page (moved whole to the next when they do not fit), so a
    closing line, a signature or a short table never stands alone on a page.

    With ``may_split`` (a heading and a long table), the group starts where it is when
    at least :data:`SPLIT_HERE` of the page is left, and the table runs on over pages.
    """
    return Together(flowables, may_split)
