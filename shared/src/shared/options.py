"""Recommended storybook options for a drawing: the one source of defaults.

Used when a one-shot run leaves a choice open, and (later) by the gateway's
options endpoint, so the app and the workers recommend the same thing.
"""

from __future__ import annotations

from shared.models import DrawingAnalysis, OptionChoices, StoryOptions, Style, Theme, VoiceType

DEFAULT_AGE = 5

_NIGHT_COLOURS = {"navy", "midnight blue", "dark blue", "black", "purple"}
_NATURE_COLOURS = {"grass green", "leaf green", "green", "brown", "sky blue"}


def recommended_theme(analysis: DrawingAnalysis) -> Theme:
    colours = set(analysis.colors[:3])
    if colours & _NIGHT_COLOURS and not analysis.layout.sun:
        return Theme.BEDTIME
    if analysis.figure_count >= 2:
        return Theme.FRIENDSHIP
    if analysis.layout.house_like:
        return Theme.KINDNESS
    if analysis.layout.ground_at_bottom or analysis.layout.sky_at_top or colours & _NATURE_COLOURS:
        return Theme.NATURE
    return Theme.ADVENTURE


def recommend_options(analysis: DrawingAnalysis, choices: OptionChoices) -> StoryOptions:
    theme = choices.theme or recommended_theme(analysis)
    default_voice = VoiceType.GENTLE if theme is Theme.BEDTIME else VoiceType.CHEERFUL
    return StoryOptions(
        theme=theme,
        age=choices.age or DEFAULT_AGE,
        voice=choices.voice or default_voice,
        style=choices.style or Style.STORYBOOK,
        personal_context=choices.personal_context,
    )
