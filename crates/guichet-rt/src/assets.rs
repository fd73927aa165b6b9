//! The inventory as an RT Asset in the configured catalog, found by its `DeviceId` custom
//! field, with `Serial`, `Model`, `OS`, `CPU` and `RAM` custom fields. RT assets have no
//! partial update: every push is the whole record.

use guichet_sync::{ConnectorError, OutgoingInventory};
use reqwest::Method;
use serde_json::{json, Value};

use crate::client::refusal_in;
use crate::setup::DEVICE_CF;
use crate::wire::{id_of, path_id, sql_str};
use crate::RtConnector;

/// An asset's name, description and custom fields, as RT's create and update take them.
struct AssetRecord {
    name: String,
    description: String,
    fields: Value,
}

impl AssetRecord {
    /// The record of the machine in `o`.
    fn of(o: &OutgoingInventory) -> AssetRecord {
        let inv = &o.inventory;
        let machine = inv.machine.as_ref();
        let model = machine
            .map(|m| {
                [m.vendor.as_deref(), m.model.as_deref()]
                    .into_iter()
                    .flatten()
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        let cpu = inv
            .cpus
            .first()
            .map(|c| format!("{} × {}", inv.cpus.len(), c.name))
            .unwrap_or_default();
        let ram = inv
            .memory
            .as_ref()
            .map(|m| format!("{} MiB", m.total_bytes >> 20))
            .unwrap_or_default();
        AssetRecord {
            name: inv.hostname().unwrap_or(&o.deviceid).to_string(),
            description: format!(
                "Inventoried by Guichet on {}",
                inv.collected_at.format("%Y-%m-%d %H:%M UTC")
            ),
            fields: json!({
                "Serial": machine.and_then(|m| m.serial.clone()).unwrap_or_default(),
                "Model": model,
                "OS": inv.os.as_ref().map(|os| os.full_name.clone()).unwrap_or_default(),
                "CPU": cpu,
                "RAM": ram,
                "DeviceId": o.deviceid,
            }),
        }
    }
}

impl RtConnector {
    /// The asset of machine `deviceid` in `catalog`, if RT has one.
    async fn find_asset(
        &self,
        catalog: &str,
        deviceid: &str,
    ) -> Result<Option<String>, ConnectorError> {
        let found = self
            .collection(
                Method::GET,
                "/assets",
                &[
                    (
                        "query",
                        format!(
                            "Catalog = '{}' AND CF.{{DeviceId}} = '{}'",
                            sql_str(catalog),
                            sql_str(deviceid)
                        ),
                    ),
                    ("orderby", "id".into()),
                    ("order", "ASC".into()),
                ],
            )
            .await?;
        Ok(found.first().and_then(id_of))
    }

    /// Creates or updates the machine's asset (found by its DeviceId custom field). A catalog
    /// that is missing, or lacks DeviceId, is [`ConnectorError::NotSetUp`] and nothing is sent:
    /// without DeviceId the asset could not be found again and every push would add one.
    pub(crate) async fn save_asset(&self, o: &OutgoingInventory) -> Result<String, ConnectorError> {
        let (catalog_id, catalog) = self.asset_catalog().await?;
        let missing = self.missing_asset_fields(&catalog_id).await?;
        if missing.contains(&DEVICE_CF) {
            return Err(ConnectorError::NotSetUp(
                self.asset_field_message(&missing, &catalog),
            ));
        }
        if !missing.is_empty() {
            tracing::warn!(catalog = %catalog, ?missing, "asset custom fields missing, their values are dropped");
        }
        let record = AssetRecord::of(o);
        if let Some(id) = self.find_asset(&catalog, &o.deviceid).await? {
            let (_, answer) = self
                .send(
                    self.request(Method::PUT, &format!("/asset/{}", path_id(&id)?))
                        .json(&json!({
                            "Name": record.name,
                            "Description": record.description,
                            "CustomFields": record.fields,
                        })),
                )
                .await?;
            refusal_in(&answer)?;
            return Ok(id);
        }
        let (headers, _) = self
            .send(self.request(Method::POST, "/asset").json(&json!({
                "Catalog": catalog,
                "Name": record.name,
                "Description": record.description,
                "CustomFields": record.fields,
            })))
            .await?;
        let id = Self::created_id(&headers, "asset")?;
        match self.find_asset(&catalog, &o.deviceid).await? {
            Some(found) => Ok(found),
            None => Err(ConnectorError::Permanent {
                status: 201,
                message: format!(
                    "RT created asset {id} without its DeviceId: check the DeviceId custom \
                     field of catalog {}",
                    catalog
                ),
            }),
        }
    }
}
