"""What thai_gdc changes in CKAN's validation, for the local CKAN that stands in for data.go.th.

Stock CKAN rejects Thai tags written with vowel and tone marks (e.g. "คุณภาพอากาศ"), because
its tag pattern uses ``\\w`` and Python does not count combining marks as word characters.
thai_gdc replaces ``tag_name_validator`` through IValidators; data.go.th holds such tags.
This plugin does the same with the character set thai_gdc intends: Thai block, word
characters, space, '-' and '.'.
"""
import re

import ckan.plugins as plugins
from ckan.plugins.toolkit import Invalid, _

_TAG = re.compile(r"^[\u0E00-\u0E7F\w \-.]*$", re.UNICODE)


def tag_name_validator(value, context):
    if not _TAG.match(value):
        raise Invalid(_('Tag "%s" must be Thai or alphanumeric characters or symbols: -_.') % (value,))
    return value


class DatagothPlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IValidators)

    def get_validators(self):
        return {"tag_name_validator": tag_name_validator}
