// How the saved objects are shown on the annotation page: shown or hidden, coloured by class
// or by object, and the tint's opacity. The choices are kept in this browser (localStorage),
// for every project and image.

const KEY = "maskloop.display";
const DEFAULTS = { shown: true, colourBy: "class", opacity: 0.3 };

function stored() {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) || "{}");
    return {
      shown: typeof saved.shown === "boolean" ? saved.shown : DEFAULTS.shown,
      colourBy: ["class", "object"].includes(saved.colourBy) ? saved.colourBy : DEFAULTS.colourBy,
      opacity: Number.isFinite(saved.opacity) ? Math.min(1, Math.max(0, saved.opacity)) : DEFAULTS.opacity,
    };
  } catch {
    return { ...DEFAULTS };
  }
}

export class DisplayControls {
  // onChange(settings): called after each change, with { shown, colourBy, opacity }.
  constructor(onChange) {
    this.settings = stored();
    this.onChange = onChange;
    this.shownBox = document.getElementById("show-saved");
    this.colourBy = document.getElementById("colour-by");
    this.opacity = document.getElementById("tint-opacity");
    this.opacityValue = document.getElementById("tint-value");
    this.shownBox.addEventListener("change", () => this.set({ shown: this.shownBox.checked }));
    this.colourBy.addEventListener("change", () => {
      this.set({ colourBy: this.colourBy.value });
      this.colourBy.blur(); // the keys go back to the page
    });
    this.opacity.addEventListener("input", () => this.set({ opacity: Number(this.opacity.value) / 100 }));
    this.show();
  }

  // Show or hide the saved objects (the H key).
  toggleShown() { this.set({ shown: !this.settings.shown }); }

  set(change) {
    this.settings = { ...this.settings, ...change };
    localStorage.setItem(KEY, JSON.stringify(this.settings));
    this.show();
    this.onChange(this.settings);
  }

  show() {
    const { shown, colourBy, opacity } = this.settings;
    this.shownBox.checked = shown;
    this.colourBy.value = colourBy;
    this.opacity.value = String(Math.round(opacity * 100));
    this.opacityValue.textContent = `${Math.round(opacity * 100)} %`;
  }
}
