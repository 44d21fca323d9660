package io.llmaos.loadtest.report;

import java.util.List;
import java.util.Locale;

/**
 * Small charts drawn as inline SVG (no script, no network): lines, points and stacked bars, with axes
 * and a legend.
 */
public final class Svg {
    /** A named series of (x, y) points, or of one value per category. */
    public record Series(String name, List<double[]> points) {}

    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"};
    private static final int W = 640;
    private static final int H = 320;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 30;
    private static final int BOTTOM = 50;

    private Svg() {}

    /** Lines over numeric axes; {@code percentileX} draws x as -log10(1 - p/100) with percentile ticks. */
    public static String lines(String title, String xLabel, String yLabel, List<Series> series, boolean percentileX) {
        return plot(title, xLabel, yLabel, series, percentileX, true);
    }

    /** Points over numeric axes, each series in its colour (no lines between them). */
    public static String points(String title, String xLabel, String yLabel, List<Series> series) {
        return plot(title, xLabel, yLabel, series, false, false);
    }

    private static String plot(
            String title, String xLabel, String yLabel, List<Series> series, boolean percentileX, boolean lines) {
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series) {
            for (double[] p : s.points()) {
                double x = percentileX ? nines(p[0]) : p[0];
                minX = Math.min(minX, x);
                maxX = Math.max(maxX, x);
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (minX == Double.MAX_VALUE) {
            return empty(title);
        }
        if (maxX == minX) {
            maxX = minX + 1;
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder b = open(title);
        axes(b, xLabel, yLabel, maxY);
        if (percentileX) {
            for (double p : new double[] {0, 50, 90, 99, 99.9, 99.99}) {
                double x = nines(p);
                if (x >= minX && x <= maxX) {
                    tick(b, px(x, minX, maxX), label(p) + "%");
                }
            }
        } else {
            for (int i = 0; i <= 4; i++) {
                double x = minX + (maxX - minX) * i / 4;
                tick(b, px(x, minX, maxX), fmt(x));
            }
        }
        int c = 0;
        for (Series s : series) {
            String color = COLORS[c % COLORS.length];
            StringBuilder path = new StringBuilder();
            for (double[] p : s.points()) {
                double x = px(percentileX ? nines(p[0]) : p[0], minX, maxX);
                double y = py(p[1], maxY);
                path.append(path.length() == 0 ? "M" : " L")
                        .append(fmt(x))
                        .append(',')
                        .append(fmt(y));
                if (s.points().size() < 30 || !lines) {
                    b.append("<circle cx=\"")
                            .append(fmt(x))
                            .append("\" cy=\"")
                            .append(fmt(y))
                            .append("\" r=\"3\" fill=\"")
                            .append(color)
                            .append("\"/>");
                }
            }
            if (lines) {
                b.append("<path d=\"")
                        .append(path)
                        .append("\" fill=\"none\" stroke=\"")
                        .append(color)
                        .append("\" stroke-width=\"2\"/>");
            }
            legend(b, c++, s.name(), color);
        }
        return b.append("</svg>").toString();
    }

    /** Stacked bars: one bar per category, one layer per series (values by category index). */
    static String stackedBars(String title, String yLabel, List<String> categories, List<Series> layers) {
        if (categories.isEmpty()) {
            return empty(title);
        }
        double maxY = 0;
        for (int i = 0; i < categories.size(); i++) {
            double sum = 0;
            for (Series s : layers) {
                sum += Math.max(0, s.points().get(i)[1]);
            }
            maxY = Math.max(maxY, sum);
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.1;
        StringBuilder b = open(title);
        axes(b, "", yLabel, maxY);
        double slot = (double) (W - LEFT - RIGHT) / categories.size();
        for (int i = 0; i < categories.size(); i++) {
            double x = LEFT + slot * i + slot * 0.2;
            double base = 0;
            for (int l = 0; l < layers.size(); l++) {
                double v = Math.max(0, layers.get(l).points().get(i)[1]);
                double top = py(base + v, maxY);
                b.append("<rect x=\"")
                        .append(fmt(x))
                        .append("\" y=\"")
                        .append(fmt(top))
                        .append("\" width=\"")
                        .append(fmt(slot * 0.6))
                        .append("\" height=\"")
                        .append(fmt(py(base, maxY) - top))
                        .append("\" fill=\"")
                        .append(COLORS[l % COLORS.length])
                        .append("\"/>");
                base += v;
            }
            tick(b, x + slot * 0.3, categories.get(i));
        }
        for (int l = 0; l < layers.size(); l++) {
            legend(b, l, layers.get(l).name(), COLORS[l % COLORS.length]);
        }
        return b.append("</svg>").toString();
    }

    private static StringBuilder open(String title) {
        return new StringBuilder("<svg class=\"plot\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append("\" viewBox=\"0 0 ")
                .append(W)
                .append(' ')
                .append(H)
                .append("\" font-family=\"sans-serif\" font-size=\"11\"><text x=\"")
                .append(W / 2)
                .append("\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">")
                .append(Html.escape(title))
                .append("</text>");
    }

    private static String empty(String title) {
        return open(title)
                .append("<text x=\"")
                .append(W / 2)
                .append("\" y=\"")
                .append(H / 2)
                .append("\" text-anchor=\"middle\">no data</text></svg>")
                .toString();
    }

    private static void axes(StringBuilder b, String xLabel, String yLabel, double maxY) {
        b.append("<line x1=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(H - BOTTOM)
                .append("\" x2=\"")
                .append(W - RIGHT)
                .append("\" y2=\"")
                .append(H - BOTTOM)
                .append("\" stroke=\"#333\"/>");
        b.append("<line x1=\"")
                .append(LEFT)
                .append("\" y1=\"")
                .append(TOP)
                .append("\" x2=\"")
                .append(LEFT)
                .append("\" y2=\"")
                .append(H - BOTTOM)
                .append("\" stroke=\"#333\"/>");
        for (int i = 0; i <= 4; i++) {
            double v = maxY * i / 4;
            double y = py(v, maxY);
            b.append("<text x=\"")
                    .append(LEFT - 5)
                    .append("\" y=\"")
                    .append(fmt(y + 4))
                    .append("\" text-anchor=\"end\">")
                    .append(fmt(v))
                    .append("</text>");
            b.append("<line x1=\"")
                    .append(LEFT)
                    .append("\" y1=\"")
                    .append(fmt(y))
                    .append("\" x2=\"")
                    .append(W - RIGHT)
                    .append("\" y2=\"")
                    .append(fmt(y))
                    .append("\" stroke=\"#eee\"/>");
        }
        b.append("<text x=\"")
                .append(W / 2)
                .append("\" y=\"")
                .append(H - 8)
                .append("\" text-anchor=\"middle\">")
                .append(Html.escape(xLabel))
                .append("</text>");
        b.append("<text x=\"14\" y=\"")
                .append(H / 2)
                .append("\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(H / 2)
                .append(")\">")
                .append(Html.escape(yLabel))
                .append("</text>");
    }

    private static void tick(StringBuilder b, double x, String text) {
        b.append("<text x=\"")
                .append(fmt(x))
                .append("\" y=\"")
                .append(H - BOTTOM + 16)
                .append("\" text-anchor=\"middle\">")
                .append(Html.escape(text))
                .append("</text>");
    }

    private static void legend(StringBuilder b, int i, String name, String color) {
        int y = TOP + 4 + 14 * i;
        b.append("<rect x=\"")
                .append(W - RIGHT - 150)
                .append("\" y=\"")
                .append(y)
                .append("\" width=\"10\" height=\"10\" fill=\"")
                .append(color)
                .append("\"/><text x=\"")
                .append(W - RIGHT - 136)
                .append("\" y=\"")
                .append(y + 9)
                .append("\">")
                .append(Html.escape(name))
                .append("</text>");
    }

    private static double px(double x, double minX, double maxX) {
        return LEFT + (x - minX) / (maxX - minX) * (W - LEFT - RIGHT);
    }

    private static double py(double y, double maxY) {
        return H - BOTTOM - y / maxY * (H - TOP - BOTTOM);
    }

    /** A percentile as its count of nines: 90 -> 1, 99 -> 2 (100 is capped). */
    private static double nines(double percentile) {
        return -Math.log10(Math.max(1e-6, 1 - percentile / 100));
    }

    private static String label(double p) {
        return p == Math.rint(p) ? String.valueOf((long) p) : String.valueOf(p);
    }

    public static String fmt(double v) {
        return Math.abs(v) >= 100 || v == Math.rint(v)
                ? String.valueOf(Math.round(v))
                : String.format(Locale.ROOT, "%.1f", v);
    }
}
