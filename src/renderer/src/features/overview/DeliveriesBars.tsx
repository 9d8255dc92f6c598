// The overview chart's bars (recharts), in a chunk of their own: loaded by DeliveriesChart
// after the page has rendered.
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts'
import type { AdminOutput } from '../../../../shared/contracts'

const hour = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

export default function DeliveriesBars({ timeline }: { timeline: AdminOutput<'getStats'>['timeline'] }) {
  const data = timeline.map((b) => ({ hour: hour.format(new Date(b.start)), Delivered: b.delivered, Failed: b.failed }))
  return (
    <ResponsiveContainer width="100%" height="100%">
      <BarChart data={data} margin={{ top: 4, right: 4, bottom: 0, left: -24 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="var(--mantine-color-default-border)" />
        <XAxis dataKey="hour" tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }} interval={3} />
        <YAxis allowDecimals={false} tick={{ fontSize: 11, fill: 'var(--mantine-color-dimmed)' }} />
        <Tooltip
          contentStyle={{ background: 'var(--mantine-color-body)', border: '1px solid var(--mantine-color-default-border)' }}
          cursor={{ fill: 'var(--mantine-color-default-hover)' }}
        />
        <Legend wrapperStyle={{ fontSize: 12, color: 'var(--mantine-color-text)' }} formatter={(name) => <span style={{ color: 'var(--mantine-color-text)' }}>{name}</span>} />
        {/* The themed text shades: 4.5:1 on the card, well over the 3:1 bars need, in both schemes. */}
        <Bar dataKey="Delivered" stackId="a" fill="var(--mantine-color-teal-text)" isAnimationActive={false} />
        <Bar dataKey="Failed" stackId="a" fill="var(--mantine-color-red-text)" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  )
}
