import type { ReactNode } from "react";
import Link from "next/link";
import "./style.css";

export const metadata = { title: "next-session-kit example" };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <nav>
          <Link href="/">Home</Link>
          <Link href="/dashboard">Dashboard</Link>
          <Link href="/cart">Cart</Link>
          <Link href="/devices">Devices</Link>
          <Link href="/login">Log in</Link>
        </nav>
        <main>{children}</main>
      </body>
    </html>
  );
}
