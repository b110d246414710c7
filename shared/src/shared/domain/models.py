"""The domain models of the seed, shared by the gateway and every worker.

Field names follow the seed document so the single-page app and the API speak
the same language; everything a parent can edit carries limits, because it
arrives from a browser.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class Choice(StrEnum):
    """A choice a parent makes, with the words the app shows for it.

    The label and description live with the value, so a new member is one
    line here and reaches the API schema, the web app and the CLI from it.
    """

    _value_: str
    label: str
    description: str

    def __new__(cls, value: str, label: str, description: str) -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.description = description
        return member


class Language(Choice):
    """The family's language for a storybook (BCP-47): the story is written, captioned and narrated in it."""

    ENGLISH = "en", "English", "English"
    SPANISH = "es", "Spanish", "Español"
    FRENCH = "fr", "French", "Français"
    GERMAN = "de", "German", "Deutsch"
    PORTUGUESE = "pt", "Portuguese", "Português"


class Style(Choice):
    STORYBOOK = "storybook", "Storybook", "Warm, flat colours like a picture book"
    WATERCOLOR = "watercolor", "Watercolour", "Soft washes of paint on textured paper"
    CARTOON_3D = "cartoon_3d", "3D cartoon", "Bright and glossy, like an animated film"
    ANIME = "anime", "Anime", "Crisp outlines and cel-shaded colour"


class Theme(Choice):
    ADVENTURE = "adventure", "Adventure", "A journey somewhere new"
    KINDNESS = "kindness", "Kindness", "Helping someone and feeling good about it"
    BRAVERY = "bravery", "Bravery", "Trying something a little bit new"
    BEDTIME = "bedtime", "Bedtime", "A calm story to wind down"
    FRIENDSHIP = "friendship", "Friendship", "Making and keeping friends"
    COUNTING = "counting", "Counting", "Numbers woven into the story"
    NATURE = "nature", "Nature", "Plants, animals and the outdoors"


class VoiceType(Choice):
    GENTLE = "gentle", "Gentle", "Soft and slow, good for bedtime"
    CHEERFUL = "cheerful", "Cheerful", "Bright and upbeat"
    SILLY = "silly", "Silly", "Playful and bouncy"
    WISE = "wise", "Wise", "Calm and thoughtful, like a grandparent"


class Paper(Choice):
    """The printable picture book's paper size."""

    A4 = "a4", "A4", "210 × 297 mm, used in most of the world"
    LETTER = "letter", "US Letter", "8.5 × 11 in, used in the US and Canada"


MIN_AGE = 2
MAX_AGE = 9
# Read-along lights each word as it is said, for children learning to read. Under 4 captions are shown whole (the
# child listens, a moving mark only distracts), and at 8-9 a reader may have it but does not need it.
READ_ALONG_AGES = range(4, 8)


ShortText = Annotated[str, Field(min_length=1, max_length=80)]
ColourName = Annotated[str, Field(min_length=1, max_length=40)]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PaletteColour(Model):
    name: str = Field(max_length=40, description="A colour name a parent uses, e.g. 'sky blue'.")
    hex: str = Field(pattern=r"^#[0-9a-f]{6}$")
    share: float = Field(ge=0, le=1, description="Share of the ink (not the paper) in this colour.")


class Figure(Model):
    """One drawn figure, in coordinates normalised to the drawing (0..1)."""

    x: float = Field(ge=0, le=1)
    y: float = Field(ge=0, le=1)
    width: float = Field(ge=0, le=1)
    height: float = Field(ge=0, le=1)
    area_share: float = Field(ge=0, le=1, description="Share of the drawing this figure's ink covers.")


class LayoutHints(Model):
    sky_at_top: bool = False
    ground_at_bottom: bool = False
    sun: bool = False
    house_like: bool = False


class DrawingAnalysis(Model):
    """What was recognised in the drawing; the parent may correct any of it."""

    subject: str = Field(min_length=1, max_length=120)
    setting: str = Field(default="", max_length=120)
    details: list[ShortText] = Field(default_factory=list, max_length=12)
    mood: str = Field(default="happy", max_length=40)
    colors: list[ColourName] = Field(default_factory=list, max_length=12)
    figure_count: int = Field(default=1, ge=0, le=50)
    figures: list[Figure] = Field(default_factory=list, max_length=50)
    palette: list[PaletteColour] = Field(default_factory=list, max_length=12)
    layout: LayoutHints = Field(default_factory=LayoutHints)
    # How sure the analyser is of the subject's name; an analysis from before, or from a parent, counts as sure.
    subject_confidence: float = Field(default=1.0, ge=0, le=1)
    # The subject is only a placeholder ("your drawing's hero"): the app asks the parent what the child drew.
    subject_unsure: bool = False
    # What the main character looks like (colours, features, clothing), said once so every page and sentence keeps it.
    character: str = Field(default="", max_length=300)


class SceneSetting(StrEnum):
    """Where a scene takes place: what its page's backdrop shows."""

    MEADOW = "meadow"  # fields, gardens, parks: grass under a day sky
    HOME = "home"  # indoors: a room, a bedroom, a kitchen
    NIGHT_SKY = "night_sky"  # outdoors at night, under the moon and stars
    SKY = "sky"  # up among the clouds by day
    SPACE = "space"  # above the sky: planets and stars
    SEA = "sea"  # under or on the open sea
    LAKE = "lake"  # a pond, lake or river between green banks
    FOREST = "forest"
    TOWN = "town"  # streets, houses, a school, shops
    SNOW = "snow"


class Motion(StrEnum):
    """How the child's figure moves on a scene's page."""

    HOP = "hop"
    BOB = "bob"  # floats up and down on the spot (a boat, a balloon, something happy)
    SWAY = "sway"  # rocks gently about its base (trees, flowers, a sleepy or thoughtful character)
    WAVE = "wave"  # tilts to and fro, as if waving hello or goodbye
    FLY = "fly"  # crosses the page high up
    SWIM = "swim"  # crosses the page low down, with a gentle wave in its path (and water painted under it)
    WALK = "walk"  # crosses the page along the ground with a small bounce
    REST = "rest"  # stays almost still, breathing slowly (bedtime, the end)


class Scene(Model):
    number: int = Field(ge=1, le=12)
    text: str = Field(min_length=1, max_length=600)
    setting: SceneSetting | None = Field(default=None, description="Where the scene happens; the illustrator reads the text when absent.")
    motion: Motion | None = Field(
        default=None, description="How the drawing's figure moves on this page; chosen from the text when absent."
    )


class StoryScript(Model):
    title: str = Field(min_length=1, max_length=100)
    scenes: list[Scene] = Field(min_length=1, max_length=12)

    @model_validator(mode="after")
    def _scenes_in_order(self) -> StoryScript:
        if [scene.number for scene in self.scenes] != list(range(1, len(self.scenes) + 1)):
            raise ValueError("scenes must be numbered 1, 2, 3… in order")
        return self


class StoryOptions(Model):
    """The parent's direction for one storybook."""

    theme: Theme
    age: int = Field(ge=MIN_AGE, le=MAX_AGE)
    voice: VoiceType
    style: Style
    personal_context: str = Field(default="", max_length=300)
    language: Language = Language.ENGLISH
    read_along: bool | None = None  # None: as the child's age suggests (READ_ALONG_AGES)

    @property
    def reads_along(self) -> bool:
        return self.age in READ_ALONG_AGES if self.read_along is None else self.read_along


class OptionChoices(Model):
    """Options a caller chose; anything left out is recommended from the analysis."""

    theme: Theme | None = None
    age: int | None = Field(default=None, ge=MIN_AGE, le=MAX_AGE)
    voice: VoiceType | None = None
    style: Style | None = None
    personal_context: str = Field(default="", max_length=300)
    language: Language | None = None
    read_along: bool | None = None


class GeneratedImage(Model):
    scene_number: int
    key: str


class SpokenWord(Model):
    """When one word of a sentence is heard, from the start of its scene's audio."""

    text: str
    start_sec: float = Field(ge=0)
    end_sec: float = Field(ge=0)


class SpokenSentence(Model):
    """When one sentence of a scene's narration is heard, from the start of that scene's audio."""

    text: str
    start_sec: float = Field(ge=0)
    end_sec: float = Field(ge=0)
    # Where the narrator knows them (a cloud voice's speech marks); empty where it knows only the sentences.
    words: list[SpokenWord] = Field(default_factory=list, max_length=200)


class GeneratedAudio(Model):
    scene_number: int
    key: str
    duration_sec: float
    sentences: list[SpokenSentence] = Field(default_factory=list)


class PageVideo(Model):
    """One page's segment of the video (see AssetKeys.page_video), as its worker left it on the checkpoint."""

    scene_number: int
    key: str
    frames: int = Field(ge=1)


class ImageResult(Model):
    style: Style
    images: list[GeneratedImage]


class AudioResult(Model):
    voice: VoiceType
    clips: list[GeneratedAudio]


class VideoResult(Model):
    video_key: str
    duration_sec: float
    thumbnail_key: str
    # The captions as WebVTT, each word timed; absent on videos made before there were captions tracks.
    captions_key: str | None = None
    # The printable picture book, one PDF per paper size; none on videos made before there were books.
    book_keys: dict[Paper, str] = Field(default_factory=dict)


class LibraryEntry(Model):
    id: str
    title: str
    thumbnail_key: str
    video_key: str
    captions_key: str | None = None
    book_keys: dict[Paper, str] = Field(default_factory=dict)
    duration_sec: float
    style: Style
    created_at: str
