// The dashboard's plots with Chart.js (bundled; no inline styles: Chart.js sets canvas sizes
// through element.style, which the CSP allows). Animation is off: the plots update with live
// events and must not distract.
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  type ChartConfiguration,
  Legend,
  LinearScale,
  Tooltip,
} from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

export const kColours = {
  granted: "#2e7d32",
  denied: "#c62828",
  neutral: "#1565c0",
  warning: "#ef6c00",
};

export type BarChart = Chart<"bar", number[], string>;

// A bar chart in `canvas`, described by `label` for screen readers.
export function barChart(
  canvas: HTMLCanvasElement,
  config: {
    labels: string[];
    datasets: Array<{ label: string; data: number[]; colour: string; axis?: string }>;
    stacked?: boolean;
    horizontal?: boolean;
    axes?: Record<string, string>;
  },
): BarChart {
  const scales: Record<string, object> = {
    x: {
      stacked: config.stacked ?? false,
      beginAtZero: true,
      ticks: { autoSkip: true, maxRotation: 0, precision: 0 },
    },
    y: { stacked: config.stacked ?? false, beginAtZero: true, ticks: { precision: 0 } },
  };
  for (const [id, title] of Object.entries(config.axes ?? {})) {
    scales[id] = {
      position: id === "y" ? "left" : "right",
      beginAtZero: true,
      ticks: { precision: 0 },
      title: { display: true, text: title },
      grid: { drawOnChartArea: id === "y" },
    };
  }
  const chartConfig: ChartConfiguration<"bar", number[], string> = {
    type: "bar",
    data: {
      labels: config.labels,
      datasets: config.datasets.map((d) => ({
        label: d.label,
        data: d.data,
        backgroundColor: d.colour,
        ...(d.axis ? { yAxisID: d.axis } : {}),
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: config.horizontal ? "y" : "x",
      plugins: { legend: { display: config.datasets.length > 1, position: "bottom" } },
      scales,
    },
  };
  return new Chart(canvas, chartConfig);
}
