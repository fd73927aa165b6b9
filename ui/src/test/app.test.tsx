// Component tests of the pages against the in-memory backend (any method can be replaced).
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it, vi } from "vitest";
import { App } from "../App";
import { BackendError, type Backend } from "../backend/backend";
import { createFakeBackend } from "../backend/fake";
import type { PageId } from "../context";
import { rememberedDisplay } from "../display";

function setup(page: PageId, backend: Backend = createFakeBackend(), lang: "en" | "fr" = "en") {
  const user = userEvent.setup();
  render(<App backend={backend} initialPage={page} lang={lang} />);
  return { user, backend };
}

describe("report a problem", () => {
  it("offline: says it will queue, refuses an empty title, then queues the report", async () => {
    const backend = createFakeBackend({ online: false });
    const { user } = setup("report", backend);
    expect(await screen.findByText(/No network\. Your report will be saved/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save and send later" }));
    expect(screen.getByText("Please give the problem a short title.")).toBeInTheDocument();
    expect(screen.getByLabelText(/What is the problem/)).toHaveFocus();
    await user.type(screen.getByLabelText(/What is the problem/), "Printer jams");
    await user.type(screen.getByLabelText(/Details/), "Paper stuck in tray 2");
    await user.selectOptions(screen.getByLabelText("Category"), "printing");
    await user.click(screen.getByLabelText("High"));
    await user.click(screen.getByRole("button", { name: "Take a screenshot" }));
    expect(await screen.findByText(/screenshot-20261123-091500.png/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save and send later" }));
    expect(await screen.findByText(/saved and queued/)).toBeInTheDocument();
    const fake = backend as ReturnType<typeof createFakeBackend>;
    const sent = fake.tickets[0];
    expect(sent.ticket.title).toBe("Printer jams");
    expect(sent.ticket.status).toBe("queued");
    expect(sent.messages[0].body).toContain("Paper stuck in tray 2");
    expect(sent.messages[0].body).toContain("Host: pc-accueil");
    expect(sent.messages[0].attachments.map((a) => a.name)).toEqual(["screenshot-20261123-091500.png"]);
    // The header now counts the queued item.
    expect(screen.getByText(/1 queued/)).toBeInTheDocument();
  });

  it("shows exactly the system information that will be sent, and leaves it out on request", async () => {
    const backend = createFakeBackend();
    const { user } = setup("report", backend);
    await user.click(await screen.findByText("See exactly what is sent"));
    expect(await screen.findByText(/Memory: 9.5 GiB available/)).toBeInTheDocument();
    await user.click(screen.getByLabelText("Include my system information"));
    await user.type(screen.getByLabelText(/What is the problem/), "Slow");
    // No service desk is set up in the fake: the report waits here.
    await user.click(screen.getByRole("button", { name: "Save and send later" }));
    await screen.findByText(/saved and queued/);
    expect((backend as ReturnType<typeof createFakeBackend>).tickets[0].messages[0].body).not.toContain("Host:");
  });
});

describe("tickets", () => {
  it("lists tickets with unread replies, opens the thread and queues a reply", async () => {
    const { user } = setup("tickets");
    const row = (await screen.findByRole("button", { name: /L’écran reste noir/ })).closest("tr")!;
    expect(within(row).getByText("In progress")).toBeInTheDocument();
    expect(within(row).getByText("1 new")).toBeInTheDocument();
    await user.click(within(row).getByRole("button"));
    expect(await screen.findByText("Pouvez-vous vérifier le câble HDMI ?")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Your reply"), "Câble vérifié");
    await user.click(screen.getByRole("button", { name: "Send reply" }));
    expect(await screen.findByText("Câble vérifié")).toBeInTheDocument();
    expect(screen.getByText(/Reply saved/)).toBeInTheDocument();
  });

  it("a reply carries files; a technician's files are saved, or said too big to download", async () => {
    const backend = createFakeBackend();
    const { user } = setup("tickets", backend);
    await user.click(await screen.findByRole("button", { name: /L’écran reste noir/ }));
    const files = await screen.findByRole("list", { name: "Files" });
    expect(within(files).getByText(/schema-branchement.png/)).toBeInTheDocument();
    expect(within(files).getByText(/not downloaded: larger than the size limit/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save schema-branchement.png" }));
    expect(await screen.findByText("Saved to /home/user/Documents/schema-branchement.png.")).toBeInTheDocument();
    expect(backend.saved).toEqual(["schema-branchement.png"]);
    // The file too big to download has no save button.
    expect(screen.queryByRole("button", { name: "Save pilote-ecran.zip" })).toBeNull();

    await user.type(screen.getByLabelText("Your reply"), "Voici le câble");
    await user.click(screen.getByRole("button", { name: "Add files…" }));
    await user.click(screen.getByRole("button", { name: "Take a screenshot" }));
    const pending = screen.getByRole("list", { name: "Files of your reply" });
    expect(within(pending).getAllByRole("listitem")).toHaveLength(2);
    await user.click(within(pending).getByRole("button", { name: "Remove facture.pdf" }));
    await user.click(screen.getByRole("button", { name: "Send reply" }));
    expect(await screen.findByText("Voici le câble")).toBeInTheDocument();
    const last = backend.tickets[0].messages.at(-1)!;
    expect(last.attachments.map((a) => a.name)).toEqual(["screenshot-20261123-091500.png"]);
    expect(screen.queryByRole("list", { name: "Files of your reply" })).toBeNull();
  });

  it("an unreachable server is said plainly, as an alert", async () => {
    const backend = { ...createFakeBackend(), ticketList: () => Promise.reject(new BackendError("offline", "server unreachable")) };
    setup("tickets", backend);
    expect(await screen.findByRole("alert")).toHaveTextContent(/cannot be reached/);
  });
});

describe("knowledge base", () => {
  it("searches as you type and opens an article", async () => {
    const { user } = setup("kb");
    expect(await screen.findByText("4 articles")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Search the help articles"), "password");
    expect(await screen.findByText("1 article")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Reset your password" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Reset your password" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "self-service portal" })).toBeInTheDocument();
  });

  it("asks before an article's link leaves the app, then opens it in the browser", async () => {
    const backend = createFakeBackend();
    const open = vi.spyOn(backend, "openLink");
    const { user } = setup("kb", backend);
    await user.click(await screen.findByRole("button", { name: "Reset your password" }));
    const before = window.location.href;
    await user.click(await screen.findByRole("link", { name: "self-service portal" }));
    const ask = await screen.findByRole("alertdialog");
    expect(ask).toHaveTextContent("https://portal.example.org/reset");
    expect(window.location.href).toBe(before);
    expect(open).not.toHaveBeenCalled();
    await user.click(within(ask).getByRole("button", { name: "Stay here" }));
    expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument();
    await user.click(screen.getByRole("link", { name: "self-service portal" }));
    await user.click(await screen.findByRole("button", { name: "Open in the browser" }));
    expect(open).toHaveBeenCalledWith("https://portal.example.org/reset");
    await waitFor(() => expect(screen.queryByRole("alertdialog")).not.toBeInTheDocument());
  });

  it("filters by category", async () => {
    const { user } = setup("kb");
    await user.click(await screen.findByRole("button", { name: "Réseau (1)" }));
    expect(await screen.findByText("1 article")).toBeInTheDocument();
    expect(screen.getByText("Wi-Fi: se connecter au réseau invité")).toBeInTheDocument();
  });
});

describe("inventory", () => {
  it("collects, shows categories with formatted values, and filters software", async () => {
    const { user } = setup("inventory");
    expect(await screen.findByText("Operating system")).toBeInTheDocument();
    expect(screen.getByText("6.1.0-27-amd64")).toBeInTheDocument();
    expect(screen.getByText(/needs administrator rights/)).toBeInTheDocument();
    await user.click(screen.getByRole("tab", { name: "Software" }));
    expect(screen.getByText("4 of 4 packages")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Filter software"), "thunder");
    expect(screen.getByText("1 of 4 packages")).toBeInTheDocument();
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows).toHaveLength(2);
    expect(within(rows[1]).getByText("thunderbird")).toBeInTheDocument();
  });

  it("tabs move with the arrow keys; history compares two snapshots", async () => {
    const { user } = setup("inventory");
    await screen.findByText("Operating system");
    screen.getByRole("tab", { name: "This machine" }).focus();
    await user.keyboard("{ArrowLeft}");
    expect(screen.getByRole("tab", { name: "History" })).toHaveFocus();
    await user.click(await screen.findByRole("button", { name: "Compare" }));
    const table = await screen.findByRole("table", { name: /Changes from/ });
    expect(within(table).getByText("Upgraded")).toBeInTheDocument();
    expect(within(table).getByText("vlc (amd64, dpkg)")).toBeInTheDocument();
  });

  it("reports where an export was saved", async () => {
    const { user } = setup("inventory");
    await screen.findByText("Operating system");
    await user.click(screen.getByRole("button", { name: "Export software (CSV)…" }));
    expect(await screen.findByText("Exported to /home/user/pc-accueil-software.csv")).toBeInTheDocument();
  });
});

describe("language and settings", () => {
  it("switches language from the header", async () => {
    const { user } = setup("home");
    expect(await screen.findByRole("heading", { level: 1, name: "Your computer at a glance" })).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText("Language"), "fr");
    expect(await screen.findByRole("heading", { level: 1, name: "Votre ordinateur en un coup d’œil" })).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Accueil" })).toBeInTheDocument();
    expect(document.documentElement.lang).toBe("fr");
  });

  it("home shows health formatted for the locale", async () => {
    setup("home", createFakeBackend(), "fr");
    expect(await screen.findByText(/37,5\sGo libres sur 250\sGo/)).toBeInTheDocument();
    expect(screen.getByText("3 mises à jour en attente")).toBeInTheDocument();
  });

  it("requires a connection test before saving a new server, then saves", async () => {
    const { user, backend } = setup("settings");
    await user.click(await screen.findByLabelText("Request Tracker"));
    await user.type(screen.getByLabelText("Server address"), "https://rt.example.org");
    await user.type(screen.getByLabelText("User name"), "alice");
    await user.type(screen.getByLabelText("Password or token"), "s3cret");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Test the connection before saving.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Test the connection" }));
    expect(await screen.findByText("Connection works (Request Tracker, https://rt.example.org).")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    const s = await backend.settingsGet();
    expect(s.connection).toMatchObject({ kind: "rt", url: "https://rt.example.org", username: "alice", queue: "ServiceDesk", has_secret: true });
    expect(screen.getByLabelText("Password or token")).toHaveValue("");
  });

  it("connects to GLPI with a user token and an App-Token, tested before saving", async () => {
    const { user, backend } = setup("settings");
    await user.click(await screen.findByLabelText("GLPI"));
    // A user token needs no login; RT's queue does not apply to GLPI.
    expect(screen.queryByLabelText("User name")).toBeNull();
    expect(screen.queryByLabelText("Queue for new tickets")).toBeNull();
    await user.type(screen.getByLabelText("Server address"), "https://glpi.example.org");
    await user.type(screen.getByLabelText("API token (remote access key)"), "user-token");
    await user.click(screen.getByLabelText("The GLPI API client requires an App-Token"));
    await user.click(screen.getByRole("button", { name: "Test the connection" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("ERROR_WRONG_APP_TOKEN_PARAMETER");
    // Saving without a passing test is refused.
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Test the connection before saving.")).toBeInTheDocument();
    await user.type(screen.getByLabelText("App-Token"), "app-token");
    await user.click(screen.getByRole("button", { name: "Test the connection" }));
    expect(await screen.findByText(/Connection works \(GLPI \(API v1/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Inventory address (optional)"), "https://inv.example.org/front/inventory.php");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect((await backend.settingsGet()).connection).toMatchObject({
      kind: "glpi",
      url: "https://glpi.example.org",
      password_login: false,
      app_token: true,
      has_secret: true,
      has_app_token: true,
      send_inventory: true,
      inventory_url: "https://inv.example.org/front/inventory.php",
    });
    expect(screen.getByLabelText("App-Token")).toHaveValue("");
  });

  it("GLPI with a login and password asks for the login", async () => {
    const { user } = setup("settings", createFakeBackend(), "fr");
    await user.click(await screen.findByLabelText("GLPI"));
    await user.click(screen.getByLabelText("mon identifiant et mon mot de passe"));
    expect(screen.getByLabelText("Nom d’utilisateur")).toBeInTheDocument();
    await user.click(screen.getByLabelText("Envoyer l’inventaire de cet ordinateur à GLPI"));
    expect(screen.queryByLabelText("Adresse de l’inventaire (facultatif)")).toBeNull();
  });

  it("GLPI 11's OAuth clients are set in the app as with `guichet connect glpi`", async () => {
    const { user, backend } = setup("settings");
    await user.click(await screen.findByLabelText("GLPI"));
    await user.type(screen.getByLabelText("Server address"), "https://glpi.example.org");
    await user.click(screen.getByLabelText("my login and password"));
    await user.type(screen.getByLabelText("User name"), "alice");
    await user.type(screen.getByLabelText("Password or token"), "s3cret");
    const api = screen.getByRole("group", { name: "GLPI 11 API: OAuth client (optional)" });
    await user.type(within(api).getByLabelText("Client ID"), "api-client");
    await user.type(within(api).getByLabelText("Client secret"), "api-secret");
    await user.click(screen.getByRole("button", { name: "Test the connection" }));
    expect(await screen.findByText(/Connection works \(GLPI \(API v2/)).toBeInTheDocument();
    const inventory = screen.getByRole("group", { name: "Inventory: OAuth client (optional)" });
    await user.type(within(inventory).getByLabelText("Client ID"), "inventory-client");
    await user.type(within(inventory).getByLabelText("Client secret"), "inventory-secret");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect((await backend.settingsGet()).connection).toMatchObject({
      password_login: true,
      api_client_id: "api-client",
      has_api_client_secret: true,
      inventory_client_id: "inventory-client",
      has_inventory_client_secret: true,
    });
    expect(within(api).getByLabelText("Client secret")).toHaveValue("");
  });

  it("a refused value is reported and nothing is saved", async () => {
    const { user, backend } = setup("settings");
    const interval = await screen.findByLabelText("Sync every (minutes)");
    await user.clear(interval);
    await user.type(interval, "1");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Some information is not valid");
    expect((await backend.settingsGet()).sync_interval_minutes).toBe(15);
  });
});

describe("language and theme at start", () => {
  it("the first frame has the language and theme saved at the last start, before the settings arrive", async () => {
    localStorage.setItem("guichet.display", JSON.stringify({ locale: "fr", theme: "dark" }));
    // Settings that never arrive: what shows comes from the last start alone.
    const backend = { ...createFakeBackend(), settingsGet: () => new Promise<never>(() => {}) };
    render(<App backend={backend} initialPage="home" />);
    expect(screen.getByRole("button", { name: "Accueil" })).toBeInTheDocument();
    expect(document.documentElement.dataset.theme).toBe("dark");
    expect(screen.getByRole("button", { name: "Thème sombre" })).toHaveAttribute("aria-pressed", "true");
  });

  it("remembers what the settings say, and what the settings page saves", async () => {
    const fake = createFakeBackend();
    await fake.settingsSave({ ...(await fake.settingsGet()), theme: "dark" }, null, null, null);
    const user = userEvent.setup();
    render(<App backend={fake} initialPage="settings" />);
    await waitFor(() => expect(document.documentElement.dataset.theme).toBe("dark"));
    expect(JSON.parse(localStorage.getItem("guichet.display")!)).toEqual({ locale: "system", theme: "dark" });
    await screen.findByRole("button", { name: "Save" });
    await user.selectOptions(document.getElementById("set-locale")!, "en");
    await user.click(screen.getByRole("button", { name: "Save" }));
    expect(await screen.findByText("Settings saved.")).toBeInTheDocument();
    expect(JSON.parse(localStorage.getItem("guichet.display")!)).toEqual({ locale: "en", theme: "dark" });
  });

  it("an unreadable memory means the defaults", () => {
    localStorage.setItem("guichet.display", "{not json");
    expect(rememberedDisplay()).toEqual({ locale: "system", theme: "system" });
    localStorage.setItem("guichet.display", JSON.stringify({ locale: "de", theme: "dark" }));
    expect(rememberedDisplay()).toEqual({ locale: "system", theme: "dark" });
  });
});

describe("about", () => {
  it("shows the folders and the log", async () => {
    setup("about");
    expect(await screen.findByText("/home/user/.local/share/guichet")).toBeInTheDocument();
    await waitFor(() => expect(screen.getByText(/guichet_app: starting/)).toBeInTheDocument());
  });
});

describe("site admin", () => {
  it("imports machines, filters the list, opens a machine's history", async () => {
    const { user } = setup("admin");
    expect(await screen.findByText("1 machine")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Location of the imported machines (optional)"), "Salle 2");
    await user.click(screen.getByRole("button", { name: "Import inventory files…" }));
    expect(await screen.findByText(/1 file imported/)).toBeInTheDocument();
    expect(await screen.findByText("2 machines")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Less memory than (GiB)"), "6");
    await user.click(screen.getByRole("button", { name: "Search" }));
    expect(await screen.findByText("1 machine")).toBeInTheDocument();
    const table = screen.getByRole("table");
    expect(within(table).getByText("Salle 2")).toBeInTheDocument();
    await user.click(within(table).getByRole("button", { name: "pc-import-2" }));
    expect(await screen.findByRole("heading", { name: "Inventory history" })).toBeInTheDocument();
    expect(screen.getByText(/pc-import-2\.json/)).toBeInTheDocument();
  });

  it("adds equipment, refuses an empty type, and edits its status", async () => {
    const { user } = setup("admin", createFakeBackend(), "fr");
    await user.click(await screen.findByRole("tab", { name: "Autres équipements" }));
    await user.click(await screen.findByRole("button", { name: "Ajouter un équipement" }));
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(await screen.findByRole("alert")).toBeInTheDocument();
    await user.type(screen.getByLabelText("Type"), "écran");
    await user.type(screen.getByLabelText("Numéro de série"), "SN-42");
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    expect(await screen.findByText("Équipement n° 2 enregistré.")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Modifier l’équipement n° 2" }));
    await user.selectOptions(screen.getByLabelText("État"), "broken");
    await user.click(screen.getByRole("button", { name: "Enregistrer" }));
    const row = (await screen.findByText("SN-42")).closest("tr")!;
    expect(within(row).getByText("En panne")).toBeInTheDocument();
  });

  it("exports the register as CSV and as the printable report in the UI's language", async () => {
    const backend = createFakeBackend();
    const calls: string[] = [];
    backend.siteExport = async (format, lang) => {
      calls.push(`${format}/${lang}`);
      return `/home/user/site.${format}`;
    };
    const { user } = setup("admin", backend, "fr");
    await user.click(await screen.findByRole("button", { name: "Exporter en CSV…" }));
    expect(await screen.findByText("Exporté dans /home/user/site.csv")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Rapport imprimable…" }));
    expect(await screen.findByText("Exporté dans /home/user/site.html")).toBeInTheDocument();
    expect(calls).toEqual(["csv/fr", "html/fr"]);
  });

  it("shows an asset's QR label, saves the labels of a selection and prints them", async () => {
    const print = vi.spyOn(window, "print").mockImplementation(() => {});
    const { user } = setup("admin");
    await user.click(await screen.findByRole("tab", { name: "Other equipment" }));
    await user.click(await screen.findByRole("button", { name: "Show the label of equipment #1" }));
    const img = await screen.findByRole("img", { name: "QR label of equipment #1" });
    expect(img.getAttribute("src")).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    await user.click(screen.getByRole("button", { name: "Save the label…" }));
    expect(await screen.findByText("1 label saved to /home/user/label-1.html")).toBeInTheDocument();
    const saveSelection = screen.getByRole("button", { name: "Save labels of the selection…" });
    expect(saveSelection).toBeDisabled();
    await user.click(screen.getByRole("checkbox", { name: "Select equipment #1" }));
    expect(screen.getByText("1 selected")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Print labels of the selection" }));
    await waitFor(() => expect(print).toHaveBeenCalledTimes(1));
    print.mockRestore();
  });

  it("inspects a site's bundle, imports it offline, then refuses a truncated copy", async () => {
    const { user } = setup("admin", createFakeBackend({ online: false }));
    await user.click(await screen.findByRole("tab", { name: "Offline bundles" }));
    const file = screen.getByLabelText("Bundle file");
    expect(screen.getByRole("button", { name: "Import" })).toBeDisabled();
    await user.type(file, "/media/usb/site.guichet");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    expect(await screen.findByText(/Signed with the key enrolled for this machine/)).toBeInTheDocument();
    const manifest = document.getElementById("bundle-manifest")!;
    expect(within(manifest).getByText("pc-annexe-2026-11-20-08-00-00")).toBeInTheDocument();
    expect(within(manifest).getByText(/2 tickets, 1 reply, 1 inventory, 3 site changes, 4 queued items/)).toBeInTheDocument();
    expect(within(manifest).getByText("Format, 2 checksums and signature verified")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText(/the bundle is applied and its items are queued for the next sync/)).toBeInTheDocument();
    expect(screen.getByText(/4 items queued/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText(/already imported: nothing was applied again/)).toBeInTheDocument();
    await user.clear(file);
    await user.type(file, "/media/usb/site-cut.guichet");
    await user.click(screen.getByRole("button", { name: "Import" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Bundle refused, nothing was applied.");
    expect(alert).toHaveTextContent("The file is truncated");
  });

  it("refuses a bundle signed by a key nobody enrolled, with its fingerprint and how to enrol it", async () => {
    const { user } = setup("admin", createFakeBackend({ online: false }));
    await user.click(await screen.findByRole("tab", { name: "Offline bundles" }));
    expect(await screen.findByText(/its key fingerprint is SHA256:0Jk2nq8W/)).toBeInTheDocument();
    await user.type(screen.getByLabelText("Bundle file"), "/media/usb/stranger.guichet");
    await user.click(screen.getByRole("button", { name: "Inspect" }));
    expect(await screen.findByText(/Signed with a key this machine has not enrolled/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Import" }));
    const alert = await screen.findByRole("alert");
    expect(alert).toHaveTextContent("Bundle refused, nothing was applied.");
    expect(alert).toHaveTextContent("SHA256:Yd0mW3n2dJ4cN8rB6kq1TzPp9v0sLx7uHf5gE2aQw1c");
    expect(alert).toHaveTextContent("guichet bundle enrol add --site FILE");
    await user.click(screen.getByLabelText(/Accept and enrol the sending machine’s key/));
    await user.click(screen.getByRole("button", { name: "Import" }));
    expect(await screen.findByText(/key was enrolled \(fingerprint SHA256:Yd0m/)).toBeInTheDocument();
  });

  it("explains a refused bundle in French", async () => {
    const { user } = setup("admin", createFakeBackend(), "fr");
    await user.click(await screen.findByRole("tab", { name: "Paquets hors ligne" }));
    await user.type(screen.getByLabelText("Fichier du paquet"), "/tmp/notes.txt");
    await user.click(screen.getByRole("button", { name: "Examiner" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Ce fichier n’est pas un paquet Guichet");
  });

  it("shows the agent's runs and, without systemd, the unit files to install by hand", async () => {
    const { user } = setup("admin");
    await user.click(await screen.findByRole("tab", { name: "Scheduled agent" }));
    const status = await screen.findByText("not installed");
    expect(status.closest("dl")).toHaveTextContent("not running on this machine");
    expect(screen.getByText("/usr/bin/guichet")).toBeInTheDocument();
    const runs = screen.getByRole("table", { name: "Last runs" });
    expect(within(runs).getByText("Partly failed")).toBeInTheDocument();
    expect(within(runs).getByText("Succeeded")).toBeInTheDocument();
    await user.clear(screen.getByLabelText("When (systemd calendar)"));
    await user.type(screen.getByLabelText("When (systemd calendar)"), "Mon..Fri 08:30");
    await user.click(screen.getByRole("button", { name: "Install the timer" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("systemd does not run on this machine: nothing was installed.");
    expect(screen.getByText(/OnCalendar=Mon\.\.Fri 08:30/)).toBeInTheDocument();
    expect(screen.getByText("/home/user/.config/systemd/user/guichet-agent.service")).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Show the unit files" }));
    expect(await screen.findByText(/Preview: nothing was installed/)).toBeInTheDocument();
  });
});
