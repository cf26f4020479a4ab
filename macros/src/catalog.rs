//! The binding types azfn knows, with their settings: the single table that the macros
//! validate against and build `function.json` from.

/// Which way a binding's data flows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Direction {
    In,
    Out,
}

impl Direction {
    pub(crate) fn as_json(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
        }
    }
}

/// The kind of value a setting takes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum SettingType {
    /// Any string.
    Str,
    /// One of these strings (compared case-insensitively, written as listed).
    OneOf(&'static [&'static str]),
    /// A list of these strings, at least one.
    ListOf(&'static [&'static str]),
}

/// One setting of a binding attribute.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Setting {
    /// The Rust spelling, as written in the attribute.
    pub(crate) key: &'static str,
    /// The `function.json` spelling.
    pub(crate) json: &'static str,
    pub(crate) ty: SettingType,
    pub(crate) required: bool,
    /// Written to `function.json` when the user gives no value.
    pub(crate) default: Option<&'static str>,
}

/// A binding attribute.
#[derive(Clone, Copy, Debug)]
pub(crate) struct BindingKind {
    /// The attribute name, e.g. `queue_output`.
    pub(crate) attr: &'static str,
    /// The `function.json` `type`.
    pub(crate) json_type: &'static str,
    pub(crate) direction: Direction,
    pub(crate) settings: &'static [Setting],
}

const fn setting(key: &'static str, json: &'static str, ty: SettingType) -> Setting {
    Setting {
        key,
        json,
        ty,
        required: false,
        default: None,
    }
}

const fn required(key: &'static str, json: &'static str) -> Setting {
    Setting {
        key,
        json,
        ty: SettingType::Str,
        required: true,
        default: None,
    }
}

const STORAGE_CONNECTION: Setting = Setting {
    key: "connection",
    json: "connection",
    ty: SettingType::Str,
    required: false,
    default: Some("AzureWebJobsStorage"),
};

const DATA_TYPE: Setting = setting(
    "data_type",
    "dataType",
    SettingType::OneOf(&["binary", "string", "stream"]),
);

/// HTTP methods the host accepts in `methods`.
pub(crate) const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "head", "patch", "options", "trace",
];

pub(crate) const HTTP_TRIGGER: BindingKind = BindingKind {
    attr: "http_trigger",
    json_type: "httpTrigger",
    direction: Direction::In,
    settings: &[
        setting("methods", "methods", SettingType::ListOf(HTTP_METHODS)),
        Setting {
            key: "auth_level",
            json: "authLevel",
            ty: SettingType::OneOf(&["anonymous", "function", "admin"]),
            required: false,
            default: Some("function"),
        },
        setting("route", "route", SettingType::Str),
    ],
};

pub(crate) const HTTP_OUTPUT: BindingKind = BindingKind {
    attr: "http_output",
    json_type: "http",
    direction: Direction::Out,
    settings: &[],
};

pub(crate) const QUEUE_TRIGGER: BindingKind = BindingKind {
    attr: "queue_trigger",
    json_type: "queueTrigger",
    direction: Direction::In,
    settings: &[
        required("queue_name", "queueName"),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
};

pub(crate) const QUEUE_OUTPUT: BindingKind = BindingKind {
    attr: "queue_output",
    json_type: "queue",
    direction: Direction::Out,
    settings: &[
        required("queue_name", "queueName"),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
};

/// Every trigger attribute.
pub(crate) const TRIGGERS: &[BindingKind] = &[HTTP_TRIGGER, QUEUE_TRIGGER];

/// Every binding attribute that may stand on a parameter or on the function.
pub(crate) const BINDINGS: &[BindingKind] = &[QUEUE_OUTPUT];

/// Finds a binding attribute by the last segment of its path.
pub(crate) fn binding_by_attr(name: &str) -> Option<&'static BindingKind> {
    BINDINGS.iter().find(|b| b.attr == name)
}

/// Finds a trigger attribute by the last segment of its path.
pub(crate) fn trigger_by_attr(name: &str) -> Option<&'static BindingKind> {
    TRIGGERS.iter().find(|b| b.attr == name)
}
