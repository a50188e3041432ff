"""The argument types that the native module's stub (_sigv4.pyi) and the Python glue
share, defined here so that they exist at runtime too."""

import datetime
from typing import Any, Iterable, Mapping, Sequence, Union

#: A header name or value: str, or bytes holding UTF-8.
Text = Union[str, bytes]
#: Headers: a mapping, or (name, value) pairs (repeated names allowed).
Headers = Union[Mapping[str, Text], Mapping[bytes, Text], Mapping[Text, Text], Iterable[tuple[Text, Text]]]
#: A signing time: None (now), Unix seconds (int or float), a datetime (a naive one is
#: taken as UTC, as botocore's clock gives it: pass datetime.now(timezone.utc), not
#: datetime.now()), or a string, "20150830T123600Z" or ISO 8601.
Time = Union[None, int, float, str, datetime.datetime]
#: A POST policy condition, as in the policy's JSON.
Condition = Union[Mapping[str, str], Sequence[Any]]
