"""Scoring rules for the card game Lanternfall.

Lanternfall is played with a 52-card deck plus two lantern cards. A round ends
when a player has no cards left or the draw pile is empty.
"""

LANTERN_BONUS = 15
WINNING_SCORE = 250


def card_points(rank: str) -> int:
    """Aces are worth 11 points, face cards 10, and number cards their face value."""
    if rank == "A":
        return 11
    if rank in {"K", "Q", "J"}:
        return 10
    return int(rank)


def round_score(ranks: list[str], lanterns: int) -> int:
    """Each lantern card held at the end of the round adds the lantern bonus of 15 points."""
    return sum(card_points(r) for r in ranks) + LANTERN_BONUS * lanterns


def game_over(scores: dict[str, int]) -> bool:
    """The game ends as soon as any player reaches 250 points."""
    return any(score >= WINNING_SCORE for score in scores.values())
