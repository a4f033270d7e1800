"""What thai_gdc changes in CKAN's validation, for the local CKAN that stands in for data.go.th.

Stock CKAN rejects Thai tags written with vowel and tone marks (e.g. "คุณภาพอากาศ"), because
its tag pattern uses ``\\w`` and Python does not count combining marks as word characters.
thai_gdc replaces the tag validators through IValidators; data.go.th holds such tags. This
plugin does the same with the character set thai_gdc intends: Thai block, word characters,
space, '-' and '.'. ``tag_string_convert`` is replaced too, because CKAN's own calls the
stock ``tag_name_validator`` directly rather than by name.

Tags are required (one of the 14 mandatory items), but ``resource_create`` re-validates the
package from ``package_show``, which carries ``tags`` and no ``tag_string``: so "required"
must accept either (ckanext-scheming issue #193).
"""
import re
from itertools import count

import ckan.plugins as plugins
from ckan.lib.navl.dictization_functions import missing
from ckan.logic.validators import tag_length_validator
from ckan.plugins.toolkit import Invalid, _

_TAG = re.compile(r"^[\u0E00-\u0E7F\w \-.]*$", re.UNICODE)


def tag_name_validator(value, context):
    if not _TAG.match(value):
        raise Invalid(_('Tag "%s" must be Thai or alphanumeric characters or symbols: -_.') % (value,))
    return value


def tag_string_convert(key, data, errors, context):
    value = data[key]
    if isinstance(value, str):
        tags = [tag.strip() for tag in value.split(",") if tag.strip()]
    else:
        tags = value
    current = max([int(k[1]) for k in data.keys() if len(k) == 3 and k[0] == "tags"] + [-1])
    for num, tag in zip(count(current + 1), tags):
        data[("tags", num, "name")] = tag
    for tag in tags:
        tag_length_validator(tag, context)
        tag_name_validator(tag, context)


def gdc_tags_required(key, data, errors, context):
    """Missing tag_string is fine when the package already carries tags."""
    value = data.get(key, missing)
    has_tags = any(len(k) == 3 and k[0] == "tags" and data[k] for k in data.keys())
    if (value is missing or value is None or value == "") and not has_tags:
        errors[key].append(_("Missing value"))
        from ckan.lib.navl.dictization_functions import StopOnError
        raise StopOnError


class DatagothPlugin(plugins.SingletonPlugin):
    plugins.implements(plugins.IValidators)

    def get_validators(self):
        return {"tag_name_validator": tag_name_validator, "tag_string_convert": tag_string_convert,
                "gdc_tags_required": gdc_tags_required}
