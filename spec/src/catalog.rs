//! The binding types azfn knows, with their settings: the single table that the macros
//! validate against and build `function.json` from, that the runtime and the build tool read
//! binding facts from, and that each attribute's documentation is generated from.
//!
//! Setting names follow the v4 extension bundle's documentation. Where the Azure Functions
//! templates' binding catalog (Azure/azure-functions-templates,
//! `Functions.Templates/Bindings/bindings-bundle-v4.json`) still lists an older extension's name
//! (Cosmos DB's `collectionName`), the old name is recorded in [`BindingKind::renamed`] so the
//! error can say what it is called now.

/// Which way a binding's data flows, as `function.json` spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// `"in"`: triggers and inputs.
    In,
    /// `"out"`: outputs.
    Out,
    /// `"inout"`: read and written (the generic attribute only).
    InOut,
}

impl Direction {
    /// The `function.json` spelling.
    pub fn as_json(self) -> &'static str {
        match self {
            Self::In => "in",
            Self::Out => "out",
            Self::InOut => "inout",
        }
    }
}

/// What an attribute declares, which decides where it may stand and how its parameter is bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// On the `async fn`: the function's one trigger.
    Trigger,
    /// On a parameter the function reads.
    Input,
    /// On a `&mut Out<T>` parameter, or on the function for its return value.
    Output,
}

/// The kind of value a setting takes.
#[derive(Clone, Copy, Debug)]
pub enum ValueKind {
    /// Any string.
    Str,
    /// `true` or `false`.
    Bool,
    /// A non-negative integer.
    Int,
    /// A non-negative integer, written to `function.json` as a string: the public schema types
    /// the setting as a string, and the host converts it when it builds the binding.
    IntText,
    /// One of these strings (compared ignoring case, written as listed).
    OneOf(&'static [&'static str]),
    /// A non-empty list of these strings, each at most once.
    ListOf(&'static [&'static str]),
    /// A timer schedule: six-field NCRONTAB, a TimeSpan `hh:mm:ss`, or `%AppSetting%`.
    Schedule,
    /// An HTTP route template such as `orders/{id:int}`.
    Route,
    /// A Storage queue name (3-63 lowercase letters, digits and single hyphens), unless it is
    /// a binding expression or an app setting reference.
    QueueName,
    /// A blob path `container/blob` (a blob trigger's `container/{name}` pattern too): its
    /// container is checked as Storage names containers, unless it is a binding expression or
    /// an app setting reference.
    BlobPath,
    /// A .NET TimeSpan `hh:mm:ss` (hours 00-23), as the schema's retry intervals require.
    Interval,
    /// Not a `function.json` setting: the name of the trigger's binding (HTTP triggers, whose
    /// request is not a parameter).
    BindingName,
}

/// One setting of a binding attribute.
#[derive(Clone, Copy, Debug)]
pub struct Setting {
    /// The Rust spelling, as written in the attribute.
    pub key: &'static str,
    /// The `function.json` spelling.
    pub json: &'static str,
    /// What the setting takes; the macros check the value against it.
    pub value: ValueKind,
    /// Whether the attribute must give it.
    pub required: bool,
    /// Written to `function.json` when the user gives no value.
    pub default: Option<&'static str>,
    /// One line for the attribute reference.
    pub doc: &'static str,
}

/// A constraint between settings, beyond "required".
#[derive(Clone, Copy, Debug)]
pub enum Rule {
    /// Exactly one of these groups: every setting of the chosen group, none of the others'.
    OneOf(&'static [&'static [&'static str]]),
    /// At most one of these settings.
    AtMostOne(&'static [&'static str]),
    /// The first setting needs the second.
    Requires(&'static str, &'static str),
}

/// A binding attribute.
#[derive(Clone, Copy, Debug)]
pub struct BindingKind {
    /// The attribute name, e.g. `queue_output`.
    pub attr: &'static str,
    /// The `function.json` `type`; empty for the generic attributes, where the user gives it.
    pub json_type: &'static str,
    /// The `function.json` `direction`.
    pub direction: Direction,
    /// Where the attribute stands and how its parameter is bound.
    pub role: Role,
    /// The service, for the attribute reference's table ("Storage queue").
    pub title: &'static str,
    /// What the attribute is and what the parameter takes, for the attribute reference.
    pub doc: &'static str,
    /// The attribute's own settings, beyond `name` (and, on triggers, `disabled` and `retry`).
    pub settings: &'static [Setting],
    /// Constraints between the settings.
    pub rules: &'static [Rule],
    /// Older extensions' names of settings: `(old, current key)`.
    pub renamed: &'static [(&'static str, &'static str)],
    /// Whether the host applies a function-level `retry` policy to this trigger.
    pub retry: bool,
    /// A complete annotated function, for the attribute reference;
    /// `tests/ui/pass/attribute_examples.rs` must contain it verbatim, so it is known to compile.
    pub example: &'static str,
}

const fn opt(
    key: &'static str,
    json: &'static str,
    value: ValueKind,
    doc: &'static str,
) -> Setting {
    Setting {
        key,
        json,
        value,
        required: false,
        default: None,
        doc,
    }
}

const fn req(
    key: &'static str,
    json: &'static str,
    value: ValueKind,
    doc: &'static str,
) -> Setting {
    Setting {
        key,
        json,
        value,
        required: true,
        default: None,
        doc,
    }
}

const fn string(key: &'static str, json: &'static str, doc: &'static str) -> Setting {
    opt(key, json, ValueKind::Str, doc)
}

const fn required(key: &'static str, json: &'static str, doc: &'static str) -> Setting {
    req(key, json, ValueKind::Str, doc)
}

const STORAGE_CONNECTION: Setting = Setting {
    key: "connection",
    json: "connection",
    value: ValueKind::Str,
    required: false,
    default: Some("AzureWebJobsStorage"),
    doc: "app setting (or setting prefix) with the Storage connection",
};

const DATA_TYPE: Setting = opt(
    "data_type",
    "dataType",
    ValueKind::OneOf(&["binary", "string", "stream"]),
    "how the host hands the value over; `binary` passes bytes unchanged",
);

const CARDINALITY: Setting = opt(
    "cardinality",
    "cardinality",
    ValueKind::OneOf(&["one", "many"]),
    "`many` delivers a batch (a JSON array) per invocation",
);

const SQL_CONNECTION: Setting = required(
    "connection_string_setting",
    "connectionStringSetting",
    "app setting with the connection string",
);

const COMMAND_TYPE: Setting = opt(
    "command_type",
    "commandType",
    // The schema's spelling; the extension reads the enum ignoring case.
    ValueKind::OneOf(&["text", "storedProcedure"]),
    "whether `command_text` is a query or a stored procedure",
);

const KAFKA_PROTOCOLS: &[&str] = &["NOTSET", "PLAINTEXT", "SSL", "SASLPLAINTEXT", "SASLSSL"];
const KAFKA_AUTH_MODES: &[&str] = &["NOTSET", "GSSAPI", "PLAIN", "SCRAMSHA256", "SCRAMSHA512"];

const KAFKA_SECURITY: [Setting; 8] = [
    opt(
        "authentication_mode",
        "authenticationMode",
        ValueKind::OneOf(KAFKA_AUTH_MODES),
        "SASL mechanism",
    ),
    string("username", "username", "SASL user name (or `%AppSetting%`)"),
    string("password", "password", "SASL password (or `%AppSetting%`)"),
    opt(
        "protocol",
        "protocol",
        ValueKind::OneOf(KAFKA_PROTOCOLS),
        "security protocol",
    ),
    string("ssl_ca_location", "sslCaLocation", "CA certificate file"),
    string(
        "ssl_certificate_location",
        "sslCertificateLocation",
        "client certificate file",
    ),
    string(
        "ssl_key_location",
        "sslKeyLocation",
        "client private key file",
    ),
    string("ssl_key_password", "sslKeyPassword", "client key password"),
];

const RABBITMQ_SETTINGS: [Setting; 6] = [
    req(
        "queue_name",
        "queueName",
        ValueKind::Str,
        "the RabbitMQ queue",
    ),
    string(
        "connection_string_setting",
        "connectionStringSetting",
        "app setting with the connection string",
    ),
    string(
        "host_name",
        "hostName",
        "host, when not using a connection string",
    ),
    string(
        "user_name_setting",
        "userNameSetting",
        "app setting with the user name",
    ),
    string(
        "password_setting",
        "passwordSetting",
        "app setting with the password",
    ),
    opt(
        "port",
        "port",
        ValueKind::Int,
        "port, when not using a connection string",
    ),
];

const RABBITMQ_RULES: &[Rule] = &[Rule::OneOf(&[
    &["connection_string_setting"],
    &["host_name"],
])];

/// HTTP methods the host accepts in `methods`.
pub const HTTP_METHODS: &[&str] = &[
    "get", "post", "put", "delete", "head", "patch", "options", "trace",
];

// ---------------------------------------------------------------------------------------------
// Triggers

/// The `#[http_trigger]` attribute.
pub const HTTP_TRIGGER: BindingKind = BindingKind {
    attr: "http_trigger",
    json_type: "httpTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "HTTP",
    doc: "An HTTP request. The function is an axum handler: its parameters are extractors, its \
          return value the response (binding `res`).",
    settings: &[
        opt(
            "methods",
            "methods",
            ValueKind::ListOf(HTTP_METHODS),
            "accepted methods; all when absent",
        ),
        Setting {
            key: "auth_level",
            json: "authLevel",
            value: ValueKind::OneOf(&["anonymous", "function", "admin"]),
            required: false,
            default: Some("function"),
            doc: "which key a caller needs",
        },
        opt(
            "route",
            "route",
            ValueKind::Route,
            "route template, e.g. `orders/{id:int}`; default: the function name",
        ),
        opt(
            "request_name",
            "",
            ValueKind::BindingName,
            "binding name of the request; default `req`",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["get"], auth_level = "anonymous", route = "orders/{id:int}")]
async fn get_order(Path(id): Path<u64>) -> String {
    format!("order {id}")
}"#,
};

/// The `#[timer_trigger]` attribute.
pub const TIMER_TRIGGER: BindingKind = BindingKind {
    attr: "timer_trigger",
    json_type: "timerTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Timer",
    doc: "A schedule. The trigger value is the timer's status, `azfn::TimerInfo` (or JSON).",
    settings: &[
        req(
            "schedule",
            "schedule",
            ValueKind::Schedule,
            "NCRONTAB `{second} {minute} {hour} {day} {month} {day-of-week}`, `hh:mm:ss`, or `%AppSetting%`",
        ),
        opt(
            "run_on_startup",
            "runOnStartup",
            ValueKind::Bool,
            "also run when the host starts",
        ),
        opt(
            "use_monitor",
            "useMonitor",
            ValueKind::Bool,
            "persist schedule occurrences",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: true,
    example: r#"#[timer_trigger(schedule = "0 */5 * * * *", retry(strategy = "fixedDelay", max_retry_count = 3, delay_interval = "00:00:10"))]
async fn every_five_minutes(timer: TimerInfo) {
    let _ = timer.is_past_due;
}"#,
};

/// The `#[queue_trigger]` attribute.
pub const QUEUE_TRIGGER: BindingKind = BindingKind {
    attr: "queue_trigger",
    json_type: "queueTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Storage queue",
    doc: "A Storage queue message: text, bytes or JSON.",
    settings: &[
        req("queue_name", "queueName", ValueKind::QueueName, "the queue"),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "orders")]
async fn on_order(order: azfn::Json<serde_json::Value>) {
    let _ = order;
}"#,
};

/// The `#[blob_trigger]` attribute.
pub const BLOB_TRIGGER: BindingKind = BindingKind {
    attr: "blob_trigger",
    json_type: "blobTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Blob storage",
    doc: "A new or updated blob: its content as bytes or text.",
    settings: &[
        req(
            "path",
            "path",
            ValueKind::BlobPath,
            "container and blob pattern, e.g. `uploads/{name}`",
        ),
        STORAGE_CONNECTION,
        opt(
            "source",
            "source",
            ValueKind::OneOf(&["LogsAndContainerScan", "EventGrid"]),
            "how new blobs are detected",
        ),
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[blob_trigger(path = "uploads/{name}", data_type = "binary")]
async fn on_upload(ctx: Context, content: Vec<u8>) {
    let _ = (content.len(), ctx.invocation_id());
}"#,
};

/// The `#[service_bus_trigger]` attribute.
pub const SERVICE_BUS_TRIGGER: BindingKind = BindingKind {
    attr: "service_bus_trigger",
    json_type: "serviceBusTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Service Bus",
    doc: "A Service Bus message from a queue, or from a topic subscription.",
    settings: &[
        string(
            "connection",
            "connection",
            "app setting (or prefix) with the connection; default `AzureWebJobsServiceBus`",
        ),
        string("queue_name", "queueName", "the queue (or `topic_name`)"),
        string(
            "topic_name",
            "topicName",
            "the topic (with `subscription_name`)",
        ),
        string(
            "subscription_name",
            "subscriptionName",
            "the topic's subscription",
        ),
        opt(
            "is_sessions_enabled",
            "isSessionsEnabled",
            ValueKind::Bool,
            "session-aware queue or subscription",
        ),
        opt(
            "auto_complete",
            "autoComplete",
            ValueKind::Bool,
            "complete the message when the function succeeds",
        ),
        DATA_TYPE,
    ],
    rules: &[Rule::OneOf(&[
        &["queue_name"],
        &["topic_name", "subscription_name"],
    ])],
    renamed: &[],
    retry: false,
    example: r#"#[service_bus_trigger(connection = "ServiceBus", topic_name = "orders", subscription_name = "billing")]
async fn bill(message: String) {
    let _ = message;
}"#,
};

/// The `#[event_hub_trigger]` attribute.
pub const EVENT_HUB_TRIGGER: BindingKind = BindingKind {
    attr: "event_hub_trigger",
    json_type: "eventHubTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Event Hubs (and IoT Hub)",
    doc: "Events from an event hub. For IoT Hub, use its Event Hub-compatible name and \
          connection.",
    settings: &[
        required("event_hub_name", "eventHubName", "the event hub"),
        required(
            "connection",
            "connection",
            "app setting (or prefix) with the connection",
        ),
        string(
            "consumer_group",
            "consumerGroup",
            "consumer group; default `$Default`",
        ),
        CARDINALITY,
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[("path", "event_hub_name")],
    retry: true,
    example: r#"#[event_hub_trigger(event_hub_name = "telemetry", connection = "EventHub", cardinality = "many")]
async fn on_telemetry(events: azfn::Json<Vec<serde_json::Value>>) {
    let _ = events.0.len();
}"#,
};

/// The `#[event_grid_trigger]` attribute.
pub const EVENT_GRID_TRIGGER: BindingKind = BindingKind {
    attr: "event_grid_trigger",
    json_type: "eventGridTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Event Grid",
    doc: "An Event Grid event (JSON). The subscription is configured in Azure, not here.",
    settings: &[],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[event_grid_trigger]
async fn on_event(event: serde_json::Value) {
    let _ = event;
}"#,
};

/// The `#[cosmos_db_trigger]` attribute.
pub const COSMOS_DB_TRIGGER: BindingKind = BindingKind {
    attr: "cosmos_db_trigger",
    json_type: "cosmosDBTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Azure Cosmos DB",
    doc: "Changed documents of a container (a JSON array).",
    settings: &[
        required(
            "connection",
            "connection",
            "app setting (or prefix) with the connection",
        ),
        required("database_name", "databaseName", "the database"),
        required("container_name", "containerName", "the monitored container"),
        string(
            "lease_connection",
            "leaseConnection",
            "connection of the lease container; default `connection`",
        ),
        string(
            "lease_database_name",
            "leaseDatabaseName",
            "database of the lease container; default `database_name`",
        ),
        string(
            "lease_container_name",
            "leaseContainerName",
            "lease container; default `leases`",
        ),
        opt(
            "create_lease_container_if_not_exists",
            "createLeaseContainerIfNotExists",
            ValueKind::Bool,
            "create the lease container",
        ),
        opt(
            "leases_container_throughput",
            "leasesContainerThroughput",
            ValueKind::Int,
            "RU/s of a created lease container",
        ),
        string(
            "lease_container_prefix",
            "leaseContainerPrefix",
            "prefix of this function's leases",
        ),
        opt(
            "feed_poll_delay",
            "feedPollDelay",
            ValueKind::Int,
            "milliseconds between polls once drained",
        ),
        opt(
            "lease_acquire_interval",
            "leaseAcquireInterval",
            ValueKind::Int,
            "milliseconds between partition balancing",
        ),
        opt(
            "lease_expiration_interval",
            "leaseExpirationInterval",
            ValueKind::Int,
            "milliseconds a lease is held",
        ),
        opt(
            "lease_renew_interval",
            "leaseRenewInterval",
            ValueKind::Int,
            "milliseconds between lease renewals",
        ),
        opt(
            "max_items_per_invocation",
            "maxItemsPerInvocation",
            ValueKind::Int,
            "largest batch",
        ),
        opt(
            "start_from_beginning",
            "startFromBeginning",
            ValueKind::Bool,
            "read the change feed from the start",
        ),
        string(
            "start_from_time",
            "startFromTime",
            "read the change feed from this ISO 8601 time",
        ),
        string(
            "preferred_locations",
            "preferredLocations",
            "comma-separated preferred regions",
        ),
    ],
    rules: &[Rule::AtMostOne(&[
        "start_from_beginning",
        "start_from_time",
    ])],
    renamed: &[
        ("collection_name", "container_name"),
        ("connection_string_setting", "connection"),
        ("lease_collection_name", "lease_container_name"),
        ("lease_connection_string_setting", "lease_connection"),
        (
            "create_lease_collection_if_not_exists",
            "create_lease_container_if_not_exists",
        ),
    ],
    retry: true,
    example: r#"#[cosmos_db_trigger(connection = "Cosmos", database_name = "shop", container_name = "orders", create_lease_container_if_not_exists = true)]
async fn on_order_change(documents: azfn::Json<Vec<serde_json::Value>>) {
    let _ = documents;
}"#,
};

/// The `#[sql_trigger]` attribute.
pub const SQL_TRIGGER: BindingKind = BindingKind {
    attr: "sql_trigger",
    json_type: "sqlTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Azure SQL",
    doc: "Changed rows of a table (a JSON array of changes).",
    settings: &[
        required("table_name", "tableName", "the monitored table"),
        SQL_CONNECTION,
        string(
            "leases_table_name",
            "leasesTableName",
            "table that holds the leases",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[sql_trigger(table_name = "dbo.Products", connection_string_setting = "SqlConnection")]
async fn on_product_change(changes: serde_json::Value) {
    let _ = changes;
}"#,
};

/// The `#[mysql_trigger]` attribute.
pub const MYSQL_TRIGGER: BindingKind = BindingKind {
    attr: "mysql_trigger",
    json_type: "mysqlTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Azure Database for MySQL",
    doc: "Changed rows of a table (a JSON array of changes).",
    settings: &[
        required("table_name", "tableName", "the monitored table"),
        SQL_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[mysql_trigger(table_name = "Products", connection_string_setting = "MySqlConnection")]
async fn on_mysql_change(changes: serde_json::Value) {
    let _ = changes;
}"#,
};

/// The `#[kafka_trigger]` attribute.
pub const KAFKA_TRIGGER: BindingKind = BindingKind {
    attr: "kafka_trigger",
    json_type: "kafkaTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Kafka",
    doc: "Kafka records from a topic.",
    settings: &[
        required(
            "broker_list",
            "brokerList",
            "brokers, or `%AppSetting%` holding them",
        ),
        required("topic", "topic", "the topic"),
        string(
            "consumer_group",
            "consumerGroup",
            "consumer group; default `$Default`",
        ),
        CARDINALITY,
        opt(
            "data_type",
            "dataType",
            ValueKind::OneOf(&["string", "binary"]),
            "how the record's value is handed over",
        ),
        KAFKA_SECURITY[0],
        KAFKA_SECURITY[1],
        KAFKA_SECURITY[2],
        KAFKA_SECURITY[3],
        KAFKA_SECURITY[4],
        KAFKA_SECURITY[5],
        KAFKA_SECURITY[6],
        KAFKA_SECURITY[7],
        string(
            "schema_registry_url",
            "schemaRegistryUrl",
            "Avro schema registry",
        ),
        string(
            "avro_schema",
            "avroSchema",
            "Avro schema of generic records",
        ),
        opt(
            "lag_threshold",
            "lagThreshold",
            ValueKind::Int,
            "lag that triggers scaling out",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: true,
    example: r#"#[kafka_trigger(broker_list = "%BrokerList%", topic = "clicks", consumer_group = "analytics", username = "$ConnectionString", password = "%KafkaPassword%", protocol = "SASLSSL", authentication_mode = "PLAIN")]
async fn on_click(record: String) {
    let _ = record;
}"#,
};

/// The `#[rabbitmq_trigger]` attribute.
pub const RABBITMQ_TRIGGER: BindingKind = BindingKind {
    attr: "rabbitmq_trigger",
    json_type: "rabbitMQTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "RabbitMQ",
    doc: "A RabbitMQ message.",
    settings: &RABBITMQ_SETTINGS,
    rules: RABBITMQ_RULES,
    renamed: &[],
    retry: false,
    example: r#"#[rabbitmq_trigger(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
async fn on_job(job: String) {
    let _ = job;
}"#,
};

/// The `#[warmup_trigger]` attribute.
pub const WARMUP_TRIGGER: BindingKind = BindingKind {
    attr: "warmup_trigger",
    json_type: "warmupTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Warmup",
    doc: "Runs when an instance is added (Premium and Elastic Premium plans).",
    settings: &[],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[warmup_trigger]
async fn warmup(warmup_context: serde_json::Value) {
    let _ = warmup_context;
}"#,
};

/// The `#[orchestration_trigger]` attribute.
pub const ORCHESTRATION_TRIGGER: BindingKind = BindingKind {
    attr: "orchestration_trigger",
    json_type: "orchestrationTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Durable Functions orchestration",
    doc: "A Durable Functions orchestration, as a plain binding (its context as JSON).",
    settings: &[string(
        "orchestration",
        "orchestration",
        "orchestration name; default: the function name",
    )],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[orchestration_trigger]
async fn orchestrate(context: serde_json::Value) {
    let _ = context;
}"#,
};

/// The `#[activity_trigger]` attribute.
pub const ACTIVITY_TRIGGER: BindingKind = BindingKind {
    attr: "activity_trigger",
    json_type: "activityTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Durable Functions activity",
    doc: "A Durable Functions activity, as a plain binding (its input as JSON).",
    settings: &[string(
        "activity",
        "activity",
        "activity name; default: the function name",
    )],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[activity_trigger(activity = "SayHello")]
async fn say_hello(name: azfn::Json<String>) {
    let _ = name.0;
}"#,
};

/// The `#[entity_trigger]` attribute.
pub const ENTITY_TRIGGER: BindingKind = BindingKind {
    attr: "entity_trigger",
    json_type: "entityTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "Durable Functions entity",
    doc: "A Durable Functions entity operation, as a plain binding (JSON).",
    settings: &[string(
        "entity_name",
        "entityName",
        "entity name; default: the function name",
    )],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[entity_trigger(entity_name = "Counter")]
async fn counter(operation: serde_json::Value) {
    let _ = operation;
}"#,
};

// ---------------------------------------------------------------------------------------------
// The Functions MCP extension (`crate::mcp` holds its wire; the settings are those of
// `McpToolTriggerAttribute.cs`, `McpResourceTriggerAttribute.cs`, `McpPromptTriggerAttribute.cs`)

const MCP_METADATA: Setting = string(
    "metadata",
    "metadata",
    "a JSON object (as a string) sent to the client as the entry's `_meta`",
);

/// The `#[mcp_tool_trigger]` attribute.
pub const MCP_TOOL_TRIGGER: BindingKind = BindingKind {
    attr: "mcp_tool_trigger",
    json_type: "mcpToolTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "MCP tool",
    doc: "An MCP tool served by the Functions MCP extension at `/runtime/webhooks/mcp`. The \
          trigger parameter is `azfn::mcp::ToolArgs<T>` or `azfn::mcp::ToolInvocation<T>` with `T` a \
          `#[derive(azfn::ToolArguments)]` struct: `toolProperties` is generated from its fields at \
          compile time, the description defaults to the function's doc comment (one of them is \
          required), and the return value (`String`, `azfn::mcp::Structured<T>`, a `Result` of \
          those) is the tool's result; `useResultSchema` follows from the return type. An `Err` \
          fails the invocation, which the client receives as a tool error (`isError: true`). \
          Arguments are binding data: `{mcptoolargs.name}` in other bindings' paths.",
    settings: &[
        string(
            "tool_name",
            "toolName",
            "the tool's name; default: the Rust function's name",
        ),
        string(
            "description",
            "description",
            "the tool's description; default: the function's doc comment",
        ),
        MCP_METADATA,
        string(
            "output_schema",
            "outputSchema",
            "the JSON Schema (as a string) of the tool's structured result",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"/// Arguments of `greet`.
#[derive(serde::Deserialize, azfn::ToolArguments)]
struct Greeting {
    /// Who to greet.
    name: String,
}

/// Greets someone.
#[mcp_tool_trigger(tool_name = "greet")]
async fn greet(args: azfn::mcp::ToolArgs<Greeting>) -> String {
    format!("Hello, {}!", args.name)
}"#,
};

/// The `#[mcp_resource_trigger]` attribute.
pub const MCP_RESOURCE_TRIGGER: BindingKind = BindingKind {
    attr: "mcp_resource_trigger",
    json_type: "mcpResourceTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "MCP resource",
    doc: "An MCP resource served by the Functions MCP extension. The function may take an \
          `azfn::mcp::ResourceInvocation` (the URI read, the session); its `String` return value \
          is the resource's text, `azfn::mcp::ResourceBlob` its bytes. The description defaults \
          to the function's doc comment.",
    settings: &[
        required(
            "uri",
            "uri",
            "the resource's URI (or URI template, `{name}` segments)",
        ),
        required("resource_name", "resourceName", "the resource's name"),
        string("title", "title", "a human-readable title"),
        string(
            "description",
            "description",
            "description; default: the function's doc comment",
        ),
        string("mime_type", "mimeType", "the contents' MIME type"),
        opt(
            "size",
            "size",
            ValueKind::Int,
            "the size in bytes, when known",
        ),
        MCP_METADATA,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"/// The shop's opening hours.
#[mcp_resource_trigger(uri = "shop://hours", resource_name = "hours", mime_type = "text/plain")]
async fn hours() -> String {
    "Mon-Fri 9-17".to_owned()
}"#,
};

/// The `#[mcp_prompt_trigger]` attribute.
pub const MCP_PROMPT_TRIGGER: BindingKind = BindingKind {
    attr: "mcp_prompt_trigger",
    json_type: "mcpPromptTrigger",
    direction: Direction::In,
    role: Role::Trigger,
    title: "MCP prompt",
    doc: "An MCP prompt served by the Functions MCP extension. The trigger parameter is \
          `azfn::mcp::PromptArgs<T>` or `azfn::mcp::PromptInvocation<T>` with `T` a \
          `#[derive(azfn::PromptArguments)]` struct of `String` / `Option<String>` fields: \
          `promptArguments` is generated from them. A `String` return value is one user \
          message, `azfn::mcp::PromptMessages` several (user and assistant; `useResultSchema` \
          follows from the return type), an `Err` a JSON-RPC error to the client. The \
          description defaults to the function's doc comment.",
    settings: &[
        string(
            "prompt_name",
            "promptName",
            "the prompt's name; default: the Rust function's name",
        ),
        string("title", "title", "a human-readable title"),
        string(
            "description",
            "description",
            "description; default: the function's doc comment",
        ),
        MCP_METADATA,
        string(
            "icons",
            "icons",
            "the prompt's icons, a JSON array (as a string)",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"/// Arguments of `review`.
#[derive(serde::Deserialize, azfn::PromptArguments)]
struct Review {
    /// The code to review.
    code: String,
}

/// Asks for a code review.
#[mcp_prompt_trigger(prompt_name = "review")]
async fn review(args: azfn::mcp::PromptArgs<Review>) -> String {
    format!("Review this code:\n{}", args.code)
}"#,
};

/// The escape hatch for triggers azfn has no attribute for.
/// The `#[generic_trigger]` attribute.
pub const GENERIC_TRIGGER: BindingKind = BindingKind {
    attr: "generic_trigger",
    json_type: "",
    direction: Direction::In,
    role: Role::Trigger,
    title: "any other trigger",
    doc: "Any trigger type, present or future: `type = \"...Trigger\"` plus its settings, \
          passed through unchecked (`snake_case` keys become `camelCase`).",
    settings: &[],
    rules: &[],
    renamed: &[],
    retry: true,
    example: r#"#[generic_trigger(type = "redisPubSubTrigger", connection = "Redis", channel = "news")]
async fn on_news(message: String) {
    let _ = message;
}"#,
};

// ---------------------------------------------------------------------------------------------
// Input bindings

/// The `#[blob_input]` attribute.
pub const BLOB_INPUT: BindingKind = BindingKind {
    attr: "blob_input",
    json_type: "blob",
    direction: Direction::In,
    role: Role::Input,
    title: "Blob storage",
    doc: "Reads a blob: bytes, text, JSON, or `Option` of one (`None` when it does not exist).",
    settings: &[
        req(
            "path",
            "path",
            ValueKind::BlobPath,
            "container and blob, may use binding expressions",
        ),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "resize")]
async fn resize(
    name: String,
    #[blob_input(path = "images/{queueTrigger}", data_type = "binary")] image: Option<Vec<u8>>,
) {
    let _ = (name, image);
}"#,
};

/// The `#[table_input]` attribute.
pub const TABLE_INPUT: BindingKind = BindingKind {
    attr: "table_input",
    json_type: "table",
    direction: Direction::In,
    role: Role::Input,
    title: "Table storage",
    doc: "Reads one entity, or a JSON array of entities.",
    settings: &[
        required("table_name", "tableName", "the table"),
        string("partition_key", "partitionKey", "partition to read"),
        string("row_key", "rowKey", "row to read (with `partition_key`)"),
        opt(
            "take",
            "take",
            ValueKind::IntText,
            "at most this many entities",
        ),
        string("filter", "filter", "OData filter"),
        STORAGE_CONNECTION,
    ],
    rules: &[Rule::Requires("row_key", "partition_key")],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["get"], route = "people/{id}")]
async fn get_person(
    Path(id): Path<String>,
    #[table_input(table_name = "people", partition_key = "people", row_key = "{id}")] person: Option<serde_json::Value>,
) -> String {
    format!("{id}: {person:?}")
}"#,
};

/// The `#[cosmos_db_input]` attribute.
pub const COSMOS_DB_INPUT: BindingKind = BindingKind {
    attr: "cosmos_db_input",
    json_type: "cosmosDB",
    direction: Direction::In,
    role: Role::Input,
    title: "Azure Cosmos DB",
    doc: "Reads a document by id, or the documents of a query (JSON).",
    settings: &[
        required(
            "connection",
            "connection",
            "app setting (or prefix) with the connection",
        ),
        required("database_name", "databaseName", "the database"),
        required("container_name", "containerName", "the container"),
        string("id", "id", "document id (with `partition_key`)"),
        string("partition_key", "partitionKey", "partition key value"),
        string("sql_query", "sqlQuery", "query instead of `id`"),
        string(
            "preferred_locations",
            "preferredLocations",
            "comma-separated preferred regions",
        ),
    ],
    rules: &[Rule::AtMostOne(&["id", "sql_query"])],
    renamed: &[
        ("collection_name", "container_name"),
        ("connection_string_setting", "connection"),
    ],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "lookups")]
async fn lookup(
    id: String,
    #[cosmos_db_input(connection = "Cosmos", database_name = "shop", container_name = "orders", id = "{queueTrigger}", partition_key = "{queueTrigger}")] order: Option<azfn::Json<serde_json::Value>>,
) {
    let _ = (id, order);
}"#,
};

/// The `#[sql_input]` attribute.
pub const SQL_INPUT: BindingKind = BindingKind {
    attr: "sql_input",
    json_type: "sql",
    direction: Direction::In,
    role: Role::Input,
    title: "Azure SQL",
    doc: "The rows of a query or stored procedure (a JSON array).",
    settings: &[
        required("command_text", "commandText", "query or procedure name"),
        COMMAND_TYPE,
        string("parameters", "parameters", "`@Name={expression},...`"),
        SQL_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["get"], route = "products/{cost}")]
async fn products_by_cost(
    Path(cost): Path<u32>,
    #[sql_input(command_text = "SelectProductsCost", command_type = "storedProcedure", parameters = "@Cost={cost}", connection_string_setting = "SqlConnection")] rows: serde_json::Value,
) -> String {
    format!("{cost}: {rows}")
}"#,
};

/// The `#[mysql_input]` attribute.
pub const MYSQL_INPUT: BindingKind = BindingKind {
    attr: "mysql_input",
    json_type: "mysql",
    direction: Direction::In,
    role: Role::Input,
    title: "Azure Database for MySQL",
    doc: "The rows of a query or stored procedure (a JSON array).",
    settings: &[
        required("command_text", "commandText", "query or procedure name"),
        COMMAND_TYPE,
        string("parameters", "parameters", "`@Name={expression},...`"),
        SQL_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[timer_trigger(schedule = "0 0 * * * *")]
async fn hourly_report(
    timer: serde_json::Value,
    #[mysql_input(command_text = "SELECT * FROM Products", connection_string_setting = "MySqlConnection")] rows: serde_json::Value,
) {
    let _ = (timer, rows);
}"#,
};

/// The `#[signalr_connection_info_input]` attribute.
pub const SIGNALR_CONNECTION_INFO_INPUT: BindingKind = BindingKind {
    attr: "signalr_connection_info_input",
    json_type: "signalRConnectionInfo",
    direction: Direction::In,
    role: Role::Input,
    title: "SignalR Service connection info",
    doc: "A client's SignalR URL and access token (JSON), typically returned by a `negotiate` \
          function.",
    settings: &[
        required("hub_name", "hubName", "the hub"),
        string("user_id", "userId", "user id claim of the token"),
        string("id_token", "idToken", "JWT whose claims go into the token"),
        string(
            "claim_type_list",
            "claimTypeList",
            "claims of `id_token` to copy",
        ),
        string(
            "connection_string_setting",
            "connectionStringSetting",
            "app setting with the connection; default `AzureSignalRConnectionString`",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["post"], auth_level = "anonymous")]
async fn negotiate(
    #[signalr_connection_info_input(hub_name = "chat")] info: serde_json::Value,
) -> String {
    info.to_string()
}"#,
};

/// The `#[durable_client_input]` attribute.
pub const DURABLE_CLIENT_INPUT: BindingKind = BindingKind {
    attr: "durable_client_input",
    json_type: "durableClient",
    direction: Direction::In,
    role: Role::Input,
    title: "Durable Functions client",
    doc: "The Durable Functions client's management URLs (JSON), as a plain binding.",
    settings: &[
        string("task_hub", "taskHub", "task hub; default: the app's"),
        string(
            "connection_name",
            "connectionName",
            "app setting with the task hub's storage connection",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["post"])]
async fn start(#[durable_client_input] client: serde_json::Value) -> String {
    client.to_string()
}"#,
};

/// The `#[mcp_tool_property]` attribute.
pub const MCP_TOOL_PROPERTY: BindingKind = BindingKind {
    attr: "mcp_tool_property",
    json_type: "mcpToolProperty",
    direction: Direction::In,
    role: Role::Input,
    title: "MCP tool argument",
    doc: "One argument of an `#[mcp_tool_trigger]` call, as its text (`String`; a string as \
          itself, any other JSON value as its JSON). The property is added to the tool's \
          `toolProperties` beside the arguments type's.",
    settings: &[
        required("property_name", "propertyName", "the argument's name"),
        Setting {
            key: "property_type",
            json: "propertyType",
            value: ValueKind::OneOf(&["string", "integer", "number", "boolean", "object"]),
            required: false,
            default: Some("string"),
            doc: "the argument's JSON type",
        },
        string("description", "description", "the argument's description"),
        opt(
            "is_required",
            "isRequired",
            ValueKind::Bool,
            "the call must give it (checked before the function runs)",
        ),
        opt(
            "is_array",
            "isArray",
            ValueKind::Bool,
            "an array of `property_type`",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"/// Says how loud to be.
#[mcp_tool_trigger(tool_name = "shout")]
async fn shout(
    #[mcp_tool_property(property_name = "text", description = "What to shout.", is_required = true)]
    text: String,
) -> String {
    text.to_uppercase()
}"#,
};

/// The `#[mcp_prompt_argument]` attribute.
pub const MCP_PROMPT_ARGUMENT: BindingKind = BindingKind {
    attr: "mcp_prompt_argument",
    json_type: "mcpPromptArgument",
    direction: Direction::In,
    role: Role::Input,
    title: "MCP prompt argument",
    doc: "One argument of an `#[mcp_prompt_trigger]` request, as a `String`. The argument is \
          added to the prompt's `promptArguments`.",
    settings: &[
        required("argument_name", "argumentName", "the argument's name"),
        string("description", "description", "the argument's description"),
        opt(
            "is_required",
            "isRequired",
            ValueKind::Bool,
            "the request must give it",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"/// Suggests a name.
#[mcp_prompt_trigger(prompt_name = "name_it")]
async fn name_it(
    #[mcp_prompt_argument(argument_name = "thing", description = "What to name.")] thing: String,
) -> String {
    format!("Suggest a name for {thing}.")
}"#,
};

// ---------------------------------------------------------------------------------------------
// Output bindings

/// The `#[http_output]` attribute.
pub const HTTP_OUTPUT: BindingKind = BindingKind {
    attr: "http_output",
    json_type: "http",
    direction: Direction::Out,
    role: Role::Output,
    title: "HTTP response",
    doc: "Names the response binding of an HTTP function (its return value): on the function, \
          `$return` unless `name` says otherwise. Without it the response is `res`.",
    settings: &[],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(auth_level = "function")]
#[http_output]
async fn answers_through_return() -> &'static str {
    "ok"
}"#,
};

/// The `#[queue_output]` attribute.
pub const QUEUE_OUTPUT: BindingKind = BindingKind {
    attr: "queue_output",
    json_type: "queue",
    direction: Direction::Out,
    role: Role::Output,
    title: "Storage queue",
    doc: "Writes queue messages (a `Vec` writes several).",
    settings: &[
        req("queue_name", "queueName", ValueKind::QueueName, "the queue"),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "incoming")]
#[queue_output(queue_name = "outgoing")]
async fn relay(item: String) -> String {
    item
}"#,
};

/// The `#[blob_output]` attribute.
pub const BLOB_OUTPUT: BindingKind = BindingKind {
    attr: "blob_output",
    json_type: "blob",
    direction: Direction::Out,
    role: Role::Output,
    title: "Blob storage",
    doc: "Writes a blob.",
    settings: &[
        req(
            "path",
            "path",
            ValueKind::BlobPath,
            "container and blob, may use binding expressions",
        ),
        STORAGE_CONNECTION,
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[blob_trigger(path = "incoming/{name}")]
async fn archive(
    content: azfn::http::Bytes,
    #[blob_output(path = "archive/{name}")] copy: &mut Out<azfn::http::Bytes>,
) {
    copy.set(content);
}"#,
};

/// The `#[table_output]` attribute.
pub const TABLE_OUTPUT: BindingKind = BindingKind {
    attr: "table_output",
    json_type: "table",
    direction: Direction::Out,
    role: Role::Output,
    title: "Table storage",
    doc: "Writes entities (JSON with `PartitionKey` and `RowKey`, or set them here).",
    settings: &[
        required("table_name", "tableName", "the table"),
        string(
            "partition_key",
            "partitionKey",
            "partition of written entities",
        ),
        string("row_key", "rowKey", "row key of the written entity"),
        STORAGE_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["post"])]
async fn add_person(
    Json(person): Json<serde_json::Value>,
    #[table_output(table_name = "people")] row: &mut Out<azfn::Json<serde_json::Value>>,
) -> &'static str {
    row.set(azfn::Json(person));
    "added"
}"#,
};

/// The `#[service_bus_output]` attribute.
pub const SERVICE_BUS_OUTPUT: BindingKind = BindingKind {
    attr: "service_bus_output",
    json_type: "serviceBus",
    direction: Direction::Out,
    role: Role::Output,
    title: "Service Bus",
    doc: "Sends Service Bus messages to a queue or a topic.",
    settings: &[
        string(
            "connection",
            "connection",
            "app setting (or prefix) with the connection; default `AzureWebJobsServiceBus`",
        ),
        string("queue_name", "queueName", "the queue (or `topic_name`)"),
        string("topic_name", "topicName", "the topic"),
        DATA_TYPE,
    ],
    rules: &[Rule::OneOf(&[&["queue_name"], &["topic_name"]])],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "to-bus")]
#[service_bus_output(connection = "ServiceBus", queue_name = "orders")]
async fn forward(item: String) -> String {
    item
}"#,
};

/// The `#[event_hub_output]` attribute.
pub const EVENT_HUB_OUTPUT: BindingKind = BindingKind {
    attr: "event_hub_output",
    json_type: "eventHub",
    direction: Direction::Out,
    role: Role::Output,
    title: "Event Hubs",
    doc: "Sends events (a `Vec` sends several).",
    settings: &[
        required("event_hub_name", "eventHubName", "the event hub"),
        required(
            "connection",
            "connection",
            "app setting (or prefix) with the connection",
        ),
        DATA_TYPE,
    ],
    rules: &[],
    renamed: &[("path", "event_hub_name")],
    retry: false,
    example: r#"#[timer_trigger(schedule = "*/30 * * * * *")]
async fn heartbeat(
    timer: serde_json::Value,
    #[event_hub_output(event_hub_name = "heartbeats", connection = "EventHub")] events: &mut Out<Vec<String>>,
) {
    let _ = timer;
    events.set(vec!["alive".to_owned()]);
}"#,
};

/// The `#[event_grid_output]` attribute.
pub const EVENT_GRID_OUTPUT: BindingKind = BindingKind {
    attr: "event_grid_output",
    json_type: "eventGrid",
    direction: Direction::Out,
    role: Role::Output,
    title: "Event Grid",
    doc: "Publishes events to a custom topic: endpoint and key settings, or an identity-based \
          `connection`.",
    settings: &[
        string(
            "topic_endpoint_uri",
            "topicEndpointUri",
            "app setting with the topic endpoint (with `topic_key_setting`)",
        ),
        string(
            "topic_key_setting",
            "topicKeySetting",
            "app setting with the topic key",
        ),
        string(
            "connection",
            "connection",
            "setting prefix of an identity-based connection",
        ),
    ],
    rules: &[Rule::OneOf(&[
        &["topic_endpoint_uri", "topic_key_setting"],
        &["connection"],
    ])],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "to-grid")]
#[event_grid_output(topic_endpoint_uri = "TopicEndpoint", topic_key_setting = "TopicKey")]
async fn publish(event: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    event
}"#,
};

/// The `#[cosmos_db_output]` attribute.
pub const COSMOS_DB_OUTPUT: BindingKind = BindingKind {
    attr: "cosmos_db_output",
    json_type: "cosmosDB",
    direction: Direction::Out,
    role: Role::Output,
    title: "Azure Cosmos DB",
    doc: "Creates or replaces documents (JSON; a `Vec` writes several).",
    settings: &[
        required(
            "connection",
            "connection",
            "app setting (or prefix) with the connection",
        ),
        required("database_name", "databaseName", "the database"),
        required("container_name", "containerName", "the container"),
        opt(
            "create_if_not_exists",
            "createIfNotExists",
            ValueKind::Bool,
            "create the container",
        ),
        string(
            "partition_key",
            "partitionKey",
            "partition key path of a created container",
        ),
        opt(
            "container_throughput",
            "containerThroughput",
            ValueKind::Int,
            "RU/s of a created container",
        ),
        string(
            "preferred_locations",
            "preferredLocations",
            "comma-separated preferred regions",
        ),
    ],
    rules: &[],
    renamed: &[
        ("collection_name", "container_name"),
        ("connection_string_setting", "connection"),
        ("collection_throughput", "container_throughput"),
    ],
    retry: false,
    example: r#"#[http_trigger(methods = ["post"])]
async fn save_order(
    Json(order): Json<serde_json::Value>,
    #[cosmos_db_output(connection = "Cosmos", database_name = "shop", container_name = "orders")] document: &mut Out<azfn::Json<serde_json::Value>>,
) -> &'static str {
    document.set(azfn::Json(order));
    "saved"
}"#,
};

/// The `#[sql_output]` attribute.
pub const SQL_OUTPUT: BindingKind = BindingKind {
    attr: "sql_output",
    json_type: "sql",
    direction: Direction::Out,
    role: Role::Output,
    title: "Azure SQL",
    doc: "Upserts rows (a JSON object or array) into a table.",
    settings: &[
        required("command_text", "commandText", "the table"),
        SQL_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "products")]
#[sql_output(command_text = "dbo.Products", connection_string_setting = "SqlConnection")]
async fn store_product(product: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    product
}"#,
};

/// The `#[mysql_output]` attribute.
pub const MYSQL_OUTPUT: BindingKind = BindingKind {
    attr: "mysql_output",
    json_type: "mysql",
    direction: Direction::Out,
    role: Role::Output,
    title: "Azure Database for MySQL",
    doc: "Upserts rows (a JSON object or array) into a table.",
    settings: &[
        required("command_text", "commandText", "the table"),
        SQL_CONNECTION,
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "mysql-products")]
#[mysql_output(command_text = "Products", connection_string_setting = "MySqlConnection")]
async fn store_mysql_product(product: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    product
}"#,
};

/// The `#[kafka_output]` attribute.
pub const KAFKA_OUTPUT: BindingKind = BindingKind {
    attr: "kafka_output",
    json_type: "kafka",
    direction: Direction::Out,
    role: Role::Output,
    title: "Kafka",
    doc: "Produces Kafka records (a `Vec` produces several).",
    settings: &[
        required(
            "broker_list",
            "brokerList",
            "brokers, or `%AppSetting%` holding them",
        ),
        required("topic", "topic", "the topic"),
        opt(
            "data_type",
            "dataType",
            ValueKind::OneOf(&["string", "binary"]),
            "how the record's value is written",
        ),
        opt(
            "max_message_bytes",
            "maxMessageBytes",
            ValueKind::Int,
            "largest record",
        ),
        opt(
            "batch_size",
            "batchSize",
            ValueKind::Int,
            "records per batch",
        ),
        opt(
            "enable_idempotence",
            "enableIdempotence",
            ValueKind::Bool,
            "exactly-once production",
        ),
        opt(
            "message_timeout_ms",
            "messageTimeoutMs",
            ValueKind::Int,
            "delivery timeout",
        ),
        opt(
            "request_timeout_ms",
            "requestTimeoutMs",
            ValueKind::Int,
            "acknowledgement timeout",
        ),
        opt("max_retries", "maxRetries", ValueKind::Int, "send retries"),
        KAFKA_SECURITY[0],
        KAFKA_SECURITY[1],
        KAFKA_SECURITY[2],
        KAFKA_SECURITY[3],
        KAFKA_SECURITY[4],
        KAFKA_SECURITY[5],
        KAFKA_SECURITY[6],
        KAFKA_SECURITY[7],
        string(
            "schema_registry_url",
            "schemaRegistryUrl",
            "Avro schema registry",
        ),
        string(
            "avro_schema",
            "avroSchema",
            "Avro schema of generic records",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["post"])]
async fn produce(
    body: String,
    #[kafka_output(broker_list = "%BrokerList%", topic = "clicks")] record: &mut Out<String>,
) -> &'static str {
    record.set(body);
    "sent"
}"#,
};

/// The `#[rabbitmq_output]` attribute.
pub const RABBITMQ_OUTPUT: BindingKind = BindingKind {
    attr: "rabbitmq_output",
    json_type: "rabbitMQ",
    direction: Direction::Out,
    role: Role::Output,
    title: "RabbitMQ",
    doc: "Publishes RabbitMQ messages.",
    settings: &RABBITMQ_SETTINGS,
    rules: RABBITMQ_RULES,
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "to-rabbit")]
#[rabbitmq_output(queue_name = "jobs", connection_string_setting = "RabbitMQConnection")]
async fn enqueue_job(job: String) -> String {
    job
}"#,
};

/// The `#[signalr_output]` attribute.
pub const SIGNALR_OUTPUT: BindingKind = BindingKind {
    attr: "signalr_output",
    json_type: "signalR",
    direction: Direction::Out,
    role: Role::Output,
    title: "SignalR Service",
    doc: "Sends SignalR messages (`{\"target\": ..., \"arguments\": [...]}`) or group actions.",
    settings: &[
        required("hub_name", "hubName", "the hub"),
        string(
            "connection_string_setting",
            "connectionStringSetting",
            "app setting with the connection; default `AzureSignalRConnectionString`",
        ),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "broadcasts")]
#[signalr_output(hub_name = "chat")]
async fn broadcast(text: String) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"target": "newMessage", "arguments": [text]}))
}"#,
};

/// The `#[sendgrid_output]` attribute.
pub const SENDGRID_OUTPUT: BindingKind = BindingKind {
    attr: "sendgrid_output",
    json_type: "sendGrid",
    direction: Direction::Out,
    role: Role::Output,
    title: "SendGrid",
    doc: "Sends an email (a SendGrid message as JSON; these settings fill what it leaves out).",
    settings: &[
        string(
            "api_key",
            "apiKey",
            "app setting with the API key; default `AzureWebJobsSendGridApiKey`",
        ),
        string("to", "to", "recipient"),
        string("from", "from", "sender"),
        string("subject", "subject", "subject"),
        string("text", "text", "plain-text body"),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "welcome")]
#[sendgrid_output(api_key = "SendGridApiKey", from = "Shop <shop@example.com>", subject = "Welcome")]
async fn welcome(user: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"personalizations": [{"to": [{"email": user.0["email"]}]}]}))
}"#,
};

/// The `#[twilio_sms_output]` attribute.
pub const TWILIO_SMS_OUTPUT: BindingKind = BindingKind {
    attr: "twilio_sms_output",
    json_type: "twilioSms",
    direction: Direction::Out,
    role: Role::Output,
    title: "Twilio SMS",
    doc: "Sends a text message.",
    settings: &[
        string(
            "account_sid_setting",
            "accountSidSetting",
            "app setting with the account SID; default `AzureWebJobsTwilioAccountSid`",
        ),
        string(
            "auth_token_setting",
            "authTokenSetting",
            "app setting with the auth token; default `AzureWebJobsTwilioAuthToken`",
        ),
        string("to", "to", "recipient number"),
        string("from", "from", "sender number"),
        string("body", "body", "message text"),
    ],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[queue_trigger(queue_name = "sms")]
#[twilio_sms_output(from = "+15550100", body = "Your order shipped")]
async fn notify(order: azfn::Json<serde_json::Value>) -> azfn::Json<serde_json::Value> {
    azfn::Json(serde_json::json!({"to": order.0["phone"]}))
}"#,
};

/// The escape hatch for bindings azfn has no attribute for.
/// The `#[binding]` attribute.
pub const GENERIC_BINDING: BindingKind = BindingKind {
    attr: "binding",
    json_type: "",
    direction: Direction::InOut,
    role: Role::Output,
    title: "any other binding",
    doc: "Any binding type, present or future: `type = \"...\"`, `direction = \"in\"`, `\"out\"` \
          or `\"inout\"`, plus its settings, passed through unchecked (`snake_case` keys become \
          `camelCase`). `in` reads like an input; `out` and `inout` are set like an output.",
    settings: &[],
    rules: &[],
    renamed: &[],
    retry: false,
    example: r#"#[http_trigger(methods = ["get"], route = "products/{id}")]
async fn product(
    Path(id): Path<u64>,
    #[binding(type = "kusto", direction = "in", connection = "Kusto", database = "shop", kql_command = "Products | where Id == {id}")] rows: serde_json::Value,
) -> String {
    format!("{id}: {rows}")
}"#,
};

/// Every trigger attribute, in the attribute reference's order.
pub const TRIGGERS: &[BindingKind] = &[
    HTTP_TRIGGER,
    TIMER_TRIGGER,
    QUEUE_TRIGGER,
    BLOB_TRIGGER,
    SERVICE_BUS_TRIGGER,
    EVENT_HUB_TRIGGER,
    EVENT_GRID_TRIGGER,
    COSMOS_DB_TRIGGER,
    SQL_TRIGGER,
    MYSQL_TRIGGER,
    KAFKA_TRIGGER,
    RABBITMQ_TRIGGER,
    WARMUP_TRIGGER,
    ORCHESTRATION_TRIGGER,
    ACTIVITY_TRIGGER,
    ENTITY_TRIGGER,
    MCP_TOOL_TRIGGER,
    MCP_RESOURCE_TRIGGER,
    MCP_PROMPT_TRIGGER,
    GENERIC_TRIGGER,
];

/// Every binding attribute that may stand on a parameter or on the function, in the attribute
/// reference's order.
pub const BINDINGS: &[BindingKind] = &[
    BLOB_INPUT,
    TABLE_INPUT,
    COSMOS_DB_INPUT,
    SQL_INPUT,
    MYSQL_INPUT,
    SIGNALR_CONNECTION_INFO_INPUT,
    DURABLE_CLIENT_INPUT,
    MCP_TOOL_PROPERTY,
    MCP_PROMPT_ARGUMENT,
    HTTP_OUTPUT,
    QUEUE_OUTPUT,
    BLOB_OUTPUT,
    TABLE_OUTPUT,
    SERVICE_BUS_OUTPUT,
    EVENT_HUB_OUTPUT,
    EVENT_GRID_OUTPUT,
    COSMOS_DB_OUTPUT,
    SQL_OUTPUT,
    MYSQL_OUTPUT,
    KAFKA_OUTPUT,
    RABBITMQ_OUTPUT,
    SIGNALR_OUTPUT,
    SENDGRID_OUTPUT,
    TWILIO_SMS_OUTPUT,
    GENERIC_BINDING,
];

/// The settings every trigger takes besides its own: they go to the top level of
/// `function.json`. `(key, what it is)`.
pub const FUNCTION_SETTINGS: &[(&str, &str)] = &[
    ("name", "the Azure function name; default: the Rust name"),
    ("disabled", "`true` keeps the function from being triggered"),
    (
        "retry",
        "`retry(strategy = \"fixedDelay\" | \"exponentialBackoff\", max_retry_count = n, ...)`: \
         rerun a failed invocation (timer, Event Hubs, Cosmos DB, Kafka and generic triggers)",
    ),
];

/// The settings every binding attribute (not a trigger) takes besides its own. `(key, what it
/// is)`.
pub const BINDING_SETTINGS: &[(&str, &str)] = &[(
    "name",
    "the binding's `name` in `function.json`; default: the parameter's name, or `$return` on \
     the function",
)];

/// The settings of the generic `#[binding]` besides `name`: it passes everything through.
/// `(key, what it is)`.
pub const GENERIC_BINDING_SETTINGS: &[(&str, &str)] = &[
    (
        "type",
        "the `function.json` `type`, e.g. `\"kusto\"`; required",
    ),
    ("direction", "`\"in\"`, `\"out\"` or `\"inout\"`; required"),
    (
        "any other",
        "written to `function.json` as given, `snake_case` keys as `camelCase`",
    ),
];

/// The settings of `retry(...)`, with their `function.json` spelling.
pub const RETRY_SETTINGS: &[Setting] = &[
    req(
        "strategy",
        "strategy",
        ValueKind::OneOf(&["fixedDelay", "exponentialBackoff"]),
        "how long to wait between attempts",
    ),
    req(
        "max_retry_count",
        "maxRetryCount",
        ValueKind::Int,
        "retries per execution; `-1` retries forever",
    ),
    opt(
        "delay_interval",
        "delayInterval",
        ValueKind::Interval,
        "between attempts; required by, and only for, `fixedDelay`",
    ),
    opt(
        "minimum_interval",
        "minimumInterval",
        ValueKind::Interval,
        "first delay; required by, and only for, `exponentialBackoff`",
    ),
    opt(
        "maximum_interval",
        "maximumInterval",
        ValueKind::Interval,
        "longest delay; required by, and only for, `exponentialBackoff`",
    ),
];

/// Finds a binding attribute by the last segment of its path.
pub fn binding_by_attr(name: &str) -> Option<&'static BindingKind> {
    BINDINGS.iter().find(|b| b.attr == name)
}

/// Finds a trigger attribute by the last segment of its path.
pub fn trigger_by_attr(name: &str) -> Option<&'static BindingKind> {
    TRIGGERS.iter().find(|b| b.attr == name)
}

/// The dedicated attributes for a `function.json` type (compared ignoring case, as the host
/// does), for steering the generic attributes away from types azfn checks.
pub fn attrs_for_type(json_type: &str) -> Vec<&'static str> {
    TRIGGERS
        .iter()
        .chain(BINDINGS)
        .filter(|b| !b.json_type.is_empty() && b.json_type.eq_ignore_ascii_case(json_type))
        .map(|b| b.attr)
        .collect()
}

/// Whether a `function.json` type is a trigger's: it ends in `trigger`, in any case. This is
/// the host's `BindingMetadata.IsTrigger`
/// (`src/WebJobs.Script.Abstractions/Description/Binding/BindingMetadata.cs`:
/// `Type.EndsWith("trigger", StringComparison.OrdinalIgnoreCase)`), which does not look at the
/// direction.
pub fn is_trigger_type(json_type: &str) -> bool {
    const SUFFIX: &[u8] = b"trigger";
    let bytes = json_type.as_bytes();
    bytes.len() >= SUFFIX.len() && bytes[bytes.len() - SUFFIX.len()..].eq_ignore_ascii_case(SUFFIX)
}

/// Whether a binding is its function's trigger: an input (`in` or `inout`) of a trigger type.
///
/// The host only looks for the trigger among a function's `InputBindings` (direction other
/// than `out`): `FunctionMetadata.Trigger`, and the "Multiple trigger bindings" / "No trigger
/// binding specified" checks of `FunctionDescriptorProvider.ValidateFunction` and
/// `WorkerFunctionMetadataProvider`. An output whose type ends in `Trigger` is not a trigger.
pub fn is_trigger_binding(json_type: &str, direction: Direction) -> bool {
    direction != Direction::Out && is_trigger_type(json_type)
}

/// Whether a trigger type takes a `cardinality` setting (`one` or `many`), i.e. whether its
/// catalog entry lists one. Only those triggers send a single item unless told otherwise, so
/// only their users can be told to set `cardinality = "many"` for a batch. Types are compared
/// ignoring case, as the host compares them.
pub fn takes_cardinality(json_type: &str) -> bool {
    TRIGGERS.iter().any(|kind| {
        !kind.json_type.is_empty()
            && kind.json_type.eq_ignore_ascii_case(json_type)
            && kind.settings.iter().any(|s| s.json == "cardinality")
    })
}

/// The binding kinds built into the Functions host (its HTTP extension ships with it); every
/// other binding type comes from an extension, which a custom handler app gets from the
/// extension bundle.
pub const BUILT_IN: &[BindingKind] = &[HTTP_TRIGGER, HTTP_OUTPUT];

/// Whether a `function.json` type needs the extension bundle, i.e. is not [`BUILT_IN`]. The
/// host collects the types it must load extensions for ignoring case
/// (`ScriptStartupTypeLocator`'s `bindingsSet` is `OrdinalIgnoreCase`), so case is ignored
/// here too.
pub fn needs_extension_bundle(json_type: &str) -> bool {
    !BUILT_IN
        .iter()
        .any(|kind| kind.json_type.eq_ignore_ascii_case(json_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trigger_types_end_in_trigger_in_any_case() {
        assert!(is_trigger_type("queueTrigger"));
        assert!(is_trigger_type("QUEUETRIGGER"));
        assert!(is_trigger_type("redisPubSubtrigger"));
        assert!(!is_trigger_type("queue"));
        assert!(!is_trigger_type("trigge"));
        assert!(!is_trigger_type("http\u{e9}trigge"));
        assert!(is_trigger_binding("blobTrigger", Direction::In));
        assert!(is_trigger_binding("blobTrigger", Direction::InOut));
        assert!(!is_trigger_binding("blobTrigger", Direction::Out));
    }

    #[test]
    fn cardinality_and_the_bundle_are_read_from_the_entries() {
        assert!(takes_cardinality("eventHubTrigger"));
        assert!(takes_cardinality("kafkaTrigger"));
        assert!(takes_cardinality("EVENTHUBTRIGGER"));
        for kind in ["queueTrigger", "sqlTrigger", "http", "unknownTrigger"] {
            assert!(!takes_cardinality(kind), "{kind}");
        }
        assert!(!needs_extension_bundle("httpTrigger"));
        assert!(!needs_extension_bundle("http"));
        assert!(!needs_extension_bundle("HttpTrigger"));
        assert!(needs_extension_bundle("queue"));
        assert!(needs_extension_bundle("timerTrigger"));
    }

    #[test]
    fn the_catalog_is_consistent() {
        let all: Vec<&BindingKind> = TRIGGERS.iter().chain(BINDINGS).collect();
        let mut attrs: Vec<&str> = all.iter().map(|k| k.attr).collect();
        attrs.sort();
        attrs.dedup();
        assert_eq!(attrs.len(), all.len(), "attribute names are unique");
        for kind in &all {
            let keys: Vec<&str> = kind.settings.iter().map(|s| s.key).collect();
            for (i, setting) in kind.settings.iter().enumerate() {
                assert!(
                    !keys[..i].contains(&setting.key),
                    "`{}` lists `{}` twice",
                    kind.attr,
                    setting.key
                );
                assert!(
                    !["name", "disabled", "retry"].contains(&setting.key),
                    "`{}`: `{}` is a common key",
                    kind.attr,
                    setting.key
                );
                assert!(
                    !(setting.required && setting.default.is_some()),
                    "`{}`: a required setting has no default",
                    kind.attr
                );
            }
            for rule in kind.rules {
                let named: Vec<&str> = match rule {
                    Rule::OneOf(groups) => groups.iter().flat_map(|g| g.iter().copied()).collect(),
                    Rule::AtMostOne(items) => items.to_vec(),
                    Rule::Requires(a, b) => vec![a, b],
                };
                for key in named {
                    assert!(keys.contains(&key), "`{}`: rule names `{key}`", kind.attr);
                    let setting = kind.settings.iter().find(|s| s.key == key).unwrap();
                    assert!(
                        !setting.required,
                        "`{}`: `{key}` is in a rule, so it cannot also be plainly required",
                        kind.attr
                    );
                }
            }
            for (old, new) in kind.renamed {
                assert!(
                    keys.contains(new),
                    "`{}`: `{old}` renamed to `{new}`",
                    kind.attr
                );
                assert!(
                    !keys.contains(old),
                    "`{}`: `{old}` is still valid",
                    kind.attr
                );
            }
            if kind.role == Role::Trigger && !kind.json_type.is_empty() {
                assert!(kind.json_type.ends_with("Trigger"), "{}", kind.attr);
            }
            if kind.settings.iter().any(|s| s.json == "cardinality") {
                assert_eq!(kind.role, Role::Trigger, "`{}`: cardinality", kind.attr);
            }
            assert!(
                kind.example.contains(&format!("#[{}", kind.attr)),
                "the example of `#[{}]` uses it",
                kind.attr
            );
        }
    }
}
