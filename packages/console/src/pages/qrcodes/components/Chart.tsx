import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

/** Colours told apart by most readers, also with the common colour-vision deficiencies. */
const PALETTE = ["#1677ff", "#fa8c16", "#52c41a", "#eb2f96", "#722ed1", "#13c2c2", "#a0d911", "#595959"];

export interface ChartLine {
  label: string;
  values: number[];
}

/**
 * Lines over days (uPlot, loaded with this file only when a chart is shown). The width follows
 * the container; `label` describes the chart for screen readers, whose table is beside it.
 */
export default function Chart({ days, lines, label }: { days: string[]; lines: ChartLine[]; label: string }) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    // Days at noon UTC+8, so the axis reads the same day in every time zone near China's.
    const x = days.map((day) => Date.parse(`${day}T12:00:00+08:00`) / 1000);
    const plot = new uPlot(
      {
        width: Math.max(280, element.clientWidth),
        height: 300,
        series: [
          {},
          ...lines.map((line, i) => ({
            label: line.label,
            stroke: PALETTE[i % PALETTE.length] ?? "#1677ff",
            width: 2,
            points: { show: days.length <= 31 },
          })),
        ],
        axes: [
          {},
          {
            values: (_u: uPlot, ticks: number[]) =>
              ticks.map((tick) => (Number.isInteger(tick) ? String(tick) : "")),
          },
        ],
        scales: { y: { range: (_u: uPlot, _min: number, max: number) => [0, Math.max(1, max)] } },
      },
      [x, ...lines.map((line) => line.values)],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(280, element.clientWidth), height: 300 }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [days, lines]);

  // The box takes its width from the page, never from the chart inside it (which follows it).
  return (
    <div
      ref={box}
      role="img"
      aria-label={label}
      data-testid="qr-chart"
      style={{ width: "100%", minWidth: 0, overflow: "hidden" }}
    />
  );
}
