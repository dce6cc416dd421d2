import type { ReactNode } from "react";
import Link from "next/link";
import "./style.css";

export const metadata = { title: "next-session-kit example" };

/** `header`: the @header slot (the signed-in name or a "Log in" link, through next-session-kit/client). */
export default function RootLayout({ children, header }: { children: ReactNode; header: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <Link href="/">Home</Link>
          <Link href="/dashboard">Dashboard</Link>
          <Link href="/cart">Cart</Link>
          <Link href="/devices">Devices</Link>
          {header}
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}
