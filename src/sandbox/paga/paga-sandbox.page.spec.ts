import { PAGA_SANDBOX_PASSWORD, PAGA_SANDBOX_USERS } from '../sandbox-accounts.js';
import { escapeHtml } from '../sandbox-page.js';
import { groupThousands, renderErrorPage, renderLoginPage } from './paga-sandbox.page.js';

const request = {
  clientId: 'C1',
  clientName: 'Evil <script>alert(1)</script> & "Co"',
  redirectUri: 'https://shop.example/cb?x=1',
  state: '"><script>alert(2)</script>',
  scopes: ['MERCHANT_PAYMENT', 'MONEY_TRANSFER'],
  userData: ['EMAIL'],
};

describe('the login page', () => {
  const html = renderLoginPage(
    { request, nonce: 'n"once', formAction: '/sandbox/paga/paga-webservices/oauth2/authorization', users: PAGA_SANDBOX_USERS.map((u) => ({ ...u })), error: '<b>bad</b>', login: '"adaobi' },
    'CSPNONCE',
  );

  it('escapes every dynamic value and never echoes the state', () => {
    expect(html).not.toContain('<script');
    expect(html).toContain('Evil &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;');
    expect(html).toContain('value="n&quot;once"');
    expect(html).toContain('&lt;b&gt;bad&lt;/b&gt;');
    expect(html).toContain('value="&quot;adaobi"');
    expect(html).not.toContain('alert(2)');
  });

  it('shows the scopes and user_data in words, the test users and the password, and where the user goes next', () => {
    expect(html).toContain('Pay this merchant from your Paga wallet');
    expect(html).toContain('Credit money into Paga accounts on its behalf');
    expect(html).toContain('Email address');
    expect(html).toContain('shop.example');
    expect(html).toContain(PAGA_SANDBOX_PASSWORD);
    expect(html).toContain('₦250,000.00');
    expect(html).toContain('₦150.00');
  });

  it('is one form posting to the given path, Approve first so that Enter approves, styled only by the nonce-bearing style element', () => {
    expect(html.match(/<form /g)).toHaveLength(1);
    expect(html).toContain('<form method="post" action="/sandbox/paga/paga-webservices/oauth2/authorization">');
    expect(html.indexOf('value="approve"')).toBeLessThan(html.indexOf('value="deny"'));
    expect(html).toContain('<style nonce="CSPNONCE">');
    expect(html).not.toMatch(/\sstyle=|<link|\ssrc=|https?:\/\/(?!shop\.example)/);
  });
});

describe('page helpers', () => {
  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('groups thousands for display', () => {
    expect(groupThousands('250000.00')).toBe('250,000.00');
    expect(groupThousands('1234567.89')).toBe('1,234,567.89');
    expect(groupThousands('150.00')).toBe('150.00');
    expect(groupThousands('1000')).toBe('1,000');
  });

  it('renders the error page with the message escaped and no form', () => {
    const html = renderErrorPage('Invalid <redirect>', 'uri "x"', 'N');
    expect(html).toContain('Invalid &lt;redirect&gt;');
    expect(html).toContain('uri &quot;x&quot;');
    expect(html).not.toContain('<form');
  });
});
