/**
 * The page's charts, drawn with Apache ECharts (canvas renderer, only the
 * chart types used are bundled). Each chart container also carries the
 * numbers it was drawn with in `data-values`, so a reader (or a test) can
 * check them against the API without reading pixels.
 */
import { BarChart, HeatmapChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent, VisualMapComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, HeatmapChart, LineChart, GridComponent, LegendComponent, TooltipComponent, VisualMapComponent, CanvasRenderer]);

const charts = new Map<string, echarts.ECharts>();

const PALETTE = ['#8a2be2', '#c9a7ef', '#2e7d32', '#f9a825', '#c62828', '#546e7a'];

export function draw(id: string, option: echarts.EChartsCoreOption, values: unknown): void {
  const element = document.getElementById(id)!;
  element.dataset.values = JSON.stringify(values);
  let chart = charts.get(id);
  if (chart === undefined) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(id, chart);
  }
  chart.setOption({ color: PALETTE, animation: false, textStyle: { fontFamily: 'system-ui, sans-serif' }, ...option }, true);
}

export function resizeAll(): void {
  for (const chart of charts.values()) chart.resize();
}

export function disposeAll(): void {
  for (const chart of charts.values()) chart.dispose();
  charts.clear();
}

export const grid = { left: 110, right: 24, top: 32, bottom: 36 };
