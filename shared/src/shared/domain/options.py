"""Recommended storybook options for a drawing: the one source of defaults.

Used when a one-shot run leaves a choice open, and by the gateway's
options endpoint, so the app and the workers recommend the same thing. What
a parent reads for each choice is the choice's own label (domain.models).
"""

from __future__ import annotations

from shared.domain.models import DrawingAnalysis, Language, OptionChoices, StoryOptions, Style, Theme, VoiceType

DEFAULT_AGE = 5

# Which languages each provider family writes or speaks: the offline studio is English; Bedrock's models and Polly's
# voices have every language the app offers. A storybook's language must be one both the writer and the voice have.
PROVIDER_LANGUAGES: dict[str, tuple[Language, ...]] = {
    "local": (Language.ENGLISH,),
    "bedrock": tuple(Language),
    "openai": tuple(Language),  # its models write every language, and its speech voices are multilingual
    "polly": tuple(Language),
}


def offered_languages(story_provider: str, voice_provider: str) -> list[Language]:
    writes, speaks = PROVIDER_LANGUAGES[story_provider], PROVIDER_LANGUAGES[voice_provider]
    return [language for language in Language if language in writes and language in speaks]


def language_not_offered(language: Language, offered: list[Language]) -> str | None:
    """What a parent reads when the storybook's language is one this NoComelon cannot tell it in; None when it can."""
    if language in offered:
        return None
    names = ", ".join(choice.label for choice in offered)
    return f"Storybooks in {language.label} aren't available here yet. Please choose one of: {names}."


# Colour names as the vision service words them.
_NIGHT_COLOURS = {"navy blue", "purple"}
_NIGHT_WORDS = ("night", "moon", "star", "sleep", "bed")
_NATURE_COLOURS = {"grass green", "dark green", "lime green", "light green", "brown", "sky blue"}


def recommended_theme(analysis: DrawingAnalysis) -> Theme:
    described = " ".join([analysis.subject, analysis.setting, *analysis.details]).lower()
    dominant = analysis.colors[0] if analysis.colors else ""
    if any(word in described for word in _NIGHT_WORDS) or (dominant in _NIGHT_COLOURS and not analysis.layout.sun):
        return Theme.BEDTIME
    if analysis.figure_count >= 2:
        return Theme.FRIENDSHIP
    if analysis.layout.house_like:
        return Theme.KINDNESS
    if analysis.layout.ground_at_bottom or analysis.layout.sky_at_top or set(analysis.colors[:3]) & _NATURE_COLOURS:
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
        language=choices.language or Language.ENGLISH,
        read_along=choices.read_along,  # left open, it follows the age (StoryOptions.reads_along), whatever age is chosen later
    )
